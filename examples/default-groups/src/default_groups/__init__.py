"""A tool whose development groups must stay out of the image."""
