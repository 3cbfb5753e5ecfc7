enum _HTTPAPIPlaceholder {}
