"""SOP Assistant: answers questions about Dutch schools' support profiles (schoolondersteuningsprofielen)."""
