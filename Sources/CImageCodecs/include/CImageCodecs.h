/* Placeholder: the libjpeg/libpng shims that keep longjmp out of Swift go here. */
