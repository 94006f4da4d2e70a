//! TODO: normalisers (CQC identifier, yes/no, numbers, phones, addresses).
