"""Chasing absence: contact attempts (calls, texts, home visits) and parent absence reports."""
