"""Ingest: load support profiles (PDF, DOCX, HTML, TXT, MD), clean them, find their structure and cut chunks."""
