//! Shared statistics. `facts` and `record` (PURE) turn a stored case document into its
//! statistical record, in raw and shared form; `store` keeps the records in step with every case
//! write and compacts them into column segments (`segment`, PURE); `aggregate` (PURE) counts over
//! segments; `query` turns a query into a counting plan; `disclosure` (PURE) perturbs every
//! count by the cell key method (`ptable`, PURE) and withholds small ones; `service` puts it
//! together for the API. Queries never read case documents.

pub mod aggregate;
pub mod disclosure;
pub mod facts;
pub mod labels;
pub mod manual;
pub mod ptable;
pub mod query;
pub mod record;
pub mod segment;
pub mod service;
pub mod store;
