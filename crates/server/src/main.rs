//! `haul`: serve, migrate, back up and restore, or fill the database with a
//! demo store.

use clap::{Parser, Subcommand};
use haul_server::clock::SystemClock;
use haul_server::config::{Config, Flags};
use haul_server::{AppState, serve};
use std::path::PathBuf;
use std::sync::Arc;

// Many small, short-lived allocations across threads (requests, rows,
// JSON): mimalloc handles them with far less contention than glibc's
// allocator; the flash-deal benchmark shows the difference.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "haul", version, about = "Haul: a social-commerce engine")]
struct Cli {
    /// TOML configuration file (default: ./haul.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, global = true)]
    listen: Option<String>,
    /// Folder for the SQLite database and media (default ./haul-data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite://... or postgres://... (default: SQLite in the data folder).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// redis://... to share flash-deal gates between nodes.
    #[arg(long, global = true)]
    redis_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server, pages and background workers.
    Serve {
        /// Fill an empty database with the demo store first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with the demo store and exit.
    Demo,
    /// Print the media server's configuration (nginx with the RTMP module)
    /// for this Haul; its first lines say how to start it.
    MediaServer,
    /// Copy the SQLite database and local media into one file while Haul
    /// runs (PostgreSQL: pg_dump, see docs/OPERATIONS.md).
    Backup {
        /// The archive to write (a tar file).
        file: PathBuf,
    },
    /// Put a backup made by `haul backup` in place; Haul must be stopped.
    Restore {
        /// The archive `haul backup` wrote.
        file: PathBuf,
        /// Move the database and media in place aside instead of refusing.
        #[arg(long)]
        force: bool,
    },
    /// Sales analytics.
    Analytics {
        #[command(subcommand)]
        command: AnalyticsCommand,
    },
}

#[derive(Subcommand)]
enum AnalyticsCommand {
    /// Forget every sales rollup and count the record again.
    Rebuild,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let flags = Flags { listen: cli.listen, data_dir: cli.data_dir, database_url: cli.database_url, redis_url: cli.redis_url };
    let config = match Config::load(cli.config.as_deref(), &flags) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("haul: bad configuration: {e}");
            std::process::exit(2);
        }
    };
    init_logs(&config);
    if let Err(e) = run(cli.command.unwrap_or(Command::Serve { demo: false }), config).await {
        tracing::error!(error = %e, "haul stopped");
        eprintln!("haul: {e}");
        std::process::exit(1);
    }
}

async fn run(command: Command, config: Config) -> Result<(), haul_server::app::StartError> {
    if let Command::MediaServer = command {
        std::fs::create_dir_all(config.hls_dir())?;
        let haul_url = config.public_url.clone().unwrap_or_else(|| format!("http://{}", config.listen));
        print!("{}", haul_server::live::media_server::nginx_conf(&config, haul_url.trim_end_matches('/')));
        return Ok(());
    }
    match &command {
        Command::Backup { file } => {
            let written = haul_server::backup::backup(&config, file).await?;
            let m = &written.manifest;
            println!(
                "backup written to {}: database at migration {} ({} bytes), {} media files ({} bytes)",
                written.path.display(),
                m.migration,
                m.database_bytes,
                m.media_files,
                m.media_bytes
            );
            if m.media_in_object_storage {
                println!("media lives in object storage and is not in this backup: see docs/OPERATIONS.md");
            }
            return Ok(());
        }
        Command::Restore { file, force } => {
            let restored = haul_server::backup::restore(&config, file, *force).await?;
            for kept in &restored.kept {
                println!("moved aside: {}", kept.display());
            }
            let m = &restored.manifest;
            println!(
                "restored {} (taken {} by Haul {}, migration {}) and {} media files; start Haul to apply newer migrations",
                restored.database.display(),
                m.created_at,
                m.haul_version,
                m.migration,
                m.media_files
            );
            if m.media_files > 0 && haul_server::backup::media_in_object_storage(&config) {
                println!(
                    "media lives in object storage here: the backup's media went to {}, which this Haul does not serve; copy it to the bucket",
                    config.media_dir().display()
                );
            }
            return Ok(());
        }
        _ => {}
    }
    if config.is_production() && matches!(command, Command::Demo | Command::Serve { demo: true }) {
        return Err("refusing to fill a production database with the demo store: its accounts share a public password".into());
    }
    let listener = match command {
        Command::Serve { .. } => Some(tokio::net::TcpListener::bind(&config.listen).await?),
        _ => None,
    };
    let bound = listener.as_ref().map(|l| l.local_addr()).transpose()?.unwrap_or_else(|| ([127, 0, 0, 1], 0).into());
    let state = AppState::new(config, Arc::new(SystemClock), bound).await?;
    match command {
        Command::Migrate => println!("migrations applied"),
        Command::MediaServer | Command::Backup { .. } | Command::Restore { .. } => {}
        Command::Demo => haul_server::demo::fill(&state).await?,
        Command::Analytics { command: AnalyticsCommand::Rebuild } => {
            let started = std::time::Instant::now();
            let orders = state.db.rebuild_analytics(state.clock.now(), 5_000).await.map_err(|e| e.to_string())?;
            println!("analytics rebuilt from {orders} paid orders in {:.1} s", started.elapsed().as_secs_f64());
        }
        Command::Serve { demo } => {
            if demo {
                haul_server::demo::fill(&state).await?;
            }
            let Some(listener) = listener else {
                return Ok(());
            };
            tracing::info!(url = %state.public_url, "haul is listening");
            println!("Haul is running at {}", state.public_url);
            serve(listener, state, true, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
    }
    Ok(())
}

fn init_logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
