//! Shared statistics. `facts` (PURE) turns a stored case document into the rows statistics are
//! computed from; `store` keeps those rows in step with every case write, so that aggregate
//! queries read indexed columns of narrow tables instead of scanning JSON documents.

pub mod disclosure;
pub mod facts;
pub mod manual;
pub mod query;
pub mod service;
pub mod store;
