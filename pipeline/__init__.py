"""Document processing: tag new documents and aggregate per-party argument structures."""
