"""The Streamlit app's building blocks: each module renders one part (chat, sources, sidebar, comparison) or does
one job for it (interface texts, safe text, page images, uploads, feedback). ``app.py`` only puts them together."""
