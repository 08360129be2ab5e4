//! Short videos in the record: the video and its product anchors
//! (`videos.rs`), what viewers do with it and whom they follow
//! (`engagement.rs`), comments in threads (`comments.rs`), what the feed reads and writes (`feed.rs`), and
//! notes with their honest labels (`notes.rs`) and the sponsorships that
//! label them (`sponsorships.rs`).

mod comments;
mod engagement;
mod feed;
mod notes;
mod sponsorships;
pub(crate) mod videos;

pub use comments::{Comment, NewComment};
pub use feed::{ViewerEvent, ViewerProfile};
pub use notes::{NewNote, Note, NoteCard, NoteDetail, NoteFilter, NoteTag};
pub use sponsorships::{Side, Sponsorship};
pub use videos::{Anchor, NewVideo, Video, VideoDetail};
