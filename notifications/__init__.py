"""In-app notifications with optional e-mail delivery."""
