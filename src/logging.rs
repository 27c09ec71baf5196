//! Logs go to a file in the platform data directory, never to the screen.

use tracing_appender::non_blocking::WorkerGuard;

/// Start logging to `<data dir>/shuangsui.log` (or `SHUANGSUI_LOG`). Keep the guard alive.
pub fn init() -> Option<WorkerGuard> {
    let path = std::env::var_os("SHUANGSUI_LOG")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("cn", "yiliang", "shuangsui")
                .map(|d| d.data_dir().join("shuangsui.log"))
        })?;
    let dir = path.parent()?.to_path_buf();
    std::fs::create_dir_all(&dir).ok()?;
    let file = path.file_name()?.to_owned();
    let appender = tracing_appender::rolling::never(dir, file);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
