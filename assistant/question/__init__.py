"""The question: read once per ask into a frozen ``Question`` (language, schools, places, kind, key terms)."""
