enum _AdminConsolePlaceholder {}
