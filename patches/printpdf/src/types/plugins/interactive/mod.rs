//! Interactive elements such a comment / annotation, etc.
