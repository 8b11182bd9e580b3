"""The labelled corpus: formats, segmentation, parties, validation, splits and loading."""
