"""The scene kit: what every chapter is made of (base scene and layout, style, narration, voice,
text, charts, cells, word map, network diagram, layout checks) and formatting, the one place
where numbers and times are written."""
