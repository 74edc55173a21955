"""A tool that drives uv through the uv distribution's own binary."""
