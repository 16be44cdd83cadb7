"""Monitor: the Chorus application (CLI, daemon, digest, console)."""
