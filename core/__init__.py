"""The ground floor every stage may use: settings, errors, the code fingerprint, sentence splitting and the
chunk-unit codec. It imports no stage."""
