//! The header says a lost server at once (issue 16, acceptance 2), in Chinese and English,
//! in place of 服务器模式; the pty test tests/tui_reconnect_pty.rs drives the real thing.

use super::state::Config;
use super::test_support::{config, demo, render, state_with};
use crate::i18n::Lang;

fn header(lang: Lang, disconnected: bool) -> String {
    line(lang, disconnected, 0)
}

/// Row `y` of the screen at 80x24 as text, spaces removed.
fn line(lang: Lang, disconnected: bool, y: u16) -> String {
    let (office, _dir) = demo(lang);
    let cfg = Config {
        server: true,
        ..config(lang)
    };
    let mut app = state_with(&office, cfg, 80, 24);
    app.disconnected = disconnected;
    let t = render(&office, &app);
    let buf = t.backend().buffer();
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol())
        .collect::<String>()
        .replace(' ', "")
}

#[test]
fn the_header_says_the_server_is_lost_instead_of_server_mode() {
    assert!(header(Lang::Zh, false).contains("服务器模式"));
    let zh = header(Lang::Zh, true);
    assert!(zh.contains("服务器已断开，正在重连…"), "{zh}");
    assert!(!zh.contains("服务器模式"), "{zh}");
    let en = header(Lang::En, true);
    assert!(en.contains("serverdisconnected,reconnecting…"), "{en}");
}

/// The status bar says it too, in place of the store it can no longer reach.
#[test]
fn the_status_bar_says_the_server_is_lost_instead_of_the_store() {
    let connected = line(Lang::Zh, false, 23);
    assert!(!connected.contains("服务器已断开"), "{connected}");
    let lost = line(Lang::Zh, true, 23);
    assert!(lost.contains("服务器已断开"), "{lost}");
    assert!(line(Lang::En, true, 23).contains("serverlost"));
}
