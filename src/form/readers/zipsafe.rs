//! TODO: bounded reading of zip-based formats (owned by the readers work).
