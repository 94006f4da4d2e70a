//! Cases: their references, their states, and what an incoming message
//! leads to. Pure: the intake feeds it facts and carries out its answer.

pub mod decision;
pub mod merge;
pub mod pack;
mod reference;
mod routing;
mod state;

pub use reference::CaseRef;
pub use routing::{CaseLink, LiveCase, Route, RouteFacts, looks_like_head_office, route};
pub use state::CaseState;
