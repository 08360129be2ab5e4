//! The media server: Debian's nginx with the RTMP module takes the host's
//! stream, writes HLS into Haul's `hls` folder (Haul serves it at
//! `/live/hls`), and asks Haul whether each stream may start and when it
//! stops. `haul media-server` writes this configuration; starting nginx with
//! it is the one step left to the operator.

use crate::config::Config;
use std::path::Path;

pub const NGINX_RTMP_MODULE: &str = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

/// nginx's configuration for the media server. `haul_url` is where nginx
/// reaches Haul's callbacks. nginx runs in the foreground as one process
/// (no master): it writes its files as the user who starts it.
pub fn nginx_conf(config: &Config, haul_url: &str) -> String {
    let dir = config.data_dir.canonicalize().unwrap_or_else(|_| config.data_dir.clone());
    let hls = dir.join("hls");
    let dir = dir.display();
    let hls = hls.display();
    let listen = &config.rtmp_listen;
    format!(
        r#"# Haul's media server. Start it with:
#   nginx -p {dir} -e {dir}/nginx-error.log -c <this file>
load_module {NGINX_RTMP_MODULE};
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
rtmp {{
    server {{
        listen {listen};
        chunk_size 4096;
        application live {{
            live on;
            record off;
            # Stream name = room id; the secret key is ?key=... and Haul
            # checks it here. A refused stream is dropped.
            on_publish {haul_url}/live/hooks/publish;
            on_publish_done {haul_url}/live/hooks/publish_done;
            notify_method post;
            hls on;
            hls_path {hls};
            hls_fragment 1s;
            # The live playlist keeps the whole stream, so it becomes the
            # replay when the stream ends.
            hls_playlist_length 4h;
            hls_cleanup off;
            hls_continuous on;
        }}
    }}
}}
"#
    )
}

/// Turns the room's live playlist into a replay (a complete, seekable
/// playlist). `false` when the room never streamed.
pub fn make_replay(hls_dir: &Path, room: i64) -> std::io::Result<bool> {
    let live = match std::fs::read_to_string(hls_dir.join(format!("{room}.m3u8"))) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let replay = replay_playlist(&live);
    let tmp = hls_dir.join(format!("{room}-replay.m3u8.tmp"));
    std::fs::write(&tmp, replay)?;
    std::fs::rename(tmp, hls_dir.join(format!("{room}-replay.m3u8")))?;
    Ok(true)
}

fn replay_playlist(live: &str) -> String {
    let mut out = String::with_capacity(live.len() + 64);
    for line in live.lines() {
        if line.starts_with("#EXT-X-PLAYLIST-TYPE") || line == "#EXT-X-ENDLIST" {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line.starts_with("#EXT-X-VERSION") {
            out.push_str("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }
    }
    out.push_str("#EXT-X-ENDLIST\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_playlist_becomes_a_replay() {
        let live =
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\n7-0.ts\n#EXTINF:0.960,\n7-1.ts\n";
        let replay = replay_playlist(live);
        assert_eq!(
            replay,
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000,\n7-0.ts\n#EXTINF:0.960,\n7-1.ts\n#EXT-X-ENDLIST\n"
        );
        assert_eq!(replay_playlist(&replay), replay, "making a replay twice changes nothing");
    }

    #[test]
    fn the_configuration_names_the_callbacks_and_the_hls_folder() {
        let config = Config { data_dir: "/srv/haul".into(), ..Config::default() };
        let conf = nginx_conf(&config, "http://127.0.0.1:8080");
        assert!(conf.contains("on_publish http://127.0.0.1:8080/live/hooks/publish;"));
        assert!(conf.contains("hls_path /srv/haul/hls;"));
        assert!(conf.contains("listen 127.0.0.1:1935;"));
    }
}
