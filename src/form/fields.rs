//! TODO: the table of form fields and the labels people give them.
