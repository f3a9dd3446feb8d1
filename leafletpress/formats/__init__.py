"""Formats other than the printed PDF, made from the same Document: the web site, braille."""
