//! Cases: their references, their states, and what an incoming message
//! leads to. Pure: the intake feeds it facts and carries out its answer.

mod reference;
mod routing;
mod state;

pub use reference::CaseRef;
pub use routing::{Route, RouteFacts, route};
pub use state::CaseState;
