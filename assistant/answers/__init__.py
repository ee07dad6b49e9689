"""Answers: the answer model and the composers that write one from retrieved passages (extractive, LLMs)."""
