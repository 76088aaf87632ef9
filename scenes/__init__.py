"""nextword's scenes: the lesson (lesson.py), its chapters, the kit they are made of, rendering
one chapter, and publishing the whole lesson. Flow: model → trace → scenes → rendering → publishing."""
