"""Rendering one chapter: the settings it is given, quality presets, manim, and its subtitles."""
