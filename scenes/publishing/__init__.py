"""Publishing: chapters rendered in worker processes and reused by key, joined into the lesson
with everything that goes beside it (YouTube files, subtitles, script, manifest), clips for
slides, and lesson files. Nothing here changes a chapter's picture or sound."""
