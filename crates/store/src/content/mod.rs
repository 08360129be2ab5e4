//! Short videos in the record: the video and its product anchors
//! (`videos.rs`), what viewers do with it and whom they follow
//! (`engagement.rs`), and what the feed reads and writes (`feed.rs`).

mod engagement;
mod feed;
mod videos;

pub use engagement::Comment;
pub use feed::{FeedRow, ViewerEvent};
pub use videos::{Anchor, NewVideo, Video, VideoDetail};
