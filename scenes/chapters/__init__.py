"""The lesson's chapters, one file each (a storyboard of beats), and the thumbnail. A chapter reads
traces through its settings; it never trains and never invents a number."""
