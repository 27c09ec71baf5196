use super::*;
use crate::tui::screens::Tab;
use crossterm::event::{KeyCode, KeyModifiers};

fn ev(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    ev(KeyCode::Char(c))
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Load an overlay on the default and return the error message in both languages.
fn overlay_error(file: &str, text: &str) -> (KeymapError, String, String) {
    let err = match Keymap::from_texts(&[(file, text)]) {
        Ok(_) => panic!("{file} should have been rejected"),
        Err(e) => e,
    };
    let zh = err.localize(Lang::Zh);
    let en = err.localize(Lang::En);
    (err, zh, en)
}

fn assert_names(msg: &str, file: &str, line: usize, chord: &str, lang: Lang) {
    assert!(msg.contains(file), "{msg:?} should name the file {file}");
    let line_text = match lang {
        Lang::Zh => format!("第 {line} 行"),
        Lang::En => format!("line {line}"),
    };
    assert!(msg.contains(&line_text), "{msg:?} should name line {line}");
    assert!(
        msg.contains(&format!("{chord:?}")),
        "{msg:?} should name the chord {chord:?}"
    );
}

// --- keys -----------------------------------------------------------------------------------

#[test]
fn key_names_parse_and_print_back() {
    for name in [
        "q",
        "?",
        "/",
        ":",
        "G",
        "ctrl-p",
        "ctrl-s",
        "enter",
        "esc",
        "tab",
        "backtab",
        "up",
        "down",
        "pgup",
        "pgdn",
        "home",
        "end",
        "f11",
        "alt-x",
        "space",
        "backspace",
        "delete",
        "ctrl-alt-x",
        "shift-up",
        "-",
        "ctrl--",
        "狗",
    ] {
        let key = Key::parse(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(key.to_string(), name);
    }
    assert_eq!(
        Key::parse("ctrl-s"),
        Ok(Key::new(KeyCode::Char('s'), KeyModifiers::CONTROL))
    );
    assert_eq!(
        Key::parse("f11"),
        Ok(Key::new(KeyCode::F(11), KeyModifiers::NONE))
    );
    assert_eq!(
        Key::parse("shift-tab"),
        Ok(Key::new(KeyCode::BackTab, KeyModifiers::NONE)),
        "shift-tab is backtab"
    );
}

#[test]
fn bad_key_names_are_rejected() {
    for bad in [
        "",
        "ctrl-",
        "enterr",
        "f13",
        "f0",
        "f01",
        "Ctrl-s",
        "page_down",
        "ctrl-x-y",
    ] {
        assert!(Key::parse(bad).is_err(), "{bad:?} should be rejected");
    }
    assert_eq!(Key::parse("shift-g"), Err(KeyNameError::ShiftWithChar));
    assert_eq!(Key::parse("ctrl-S"), Err(KeyNameError::CtrlUpper));
    assert_eq!(
        Key::parse("ctrl-h"),
        Err(KeyNameError::Indistinguishable {
            same_as: "backspace"
        })
    );
    assert_eq!(
        Key::parse("ctrl-i"),
        Err(KeyNameError::Indistinguishable { same_as: "tab" })
    );
}

#[test]
fn normalize_folds_terminal_variants() {
    // crossterm reports upper-case letters with SHIFT.
    let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(normalize(shifted), ch('G'));
    // ^H from some terminals is the backspace key.
    assert_eq!(normalize(ctrl('h')), ev(KeyCode::Backspace));
    assert_eq!(normalize(ev(KeyCode::Backspace)), ev(KeyCode::Backspace));
    // ctrl-alt-h is not backspace.
    let ctrl_alt_h = KeyEvent::new(
        KeyCode::Char('h'),
        KeyModifiers::CONTROL | KeyModifiers::ALT,
    );
    assert_eq!(normalize(ctrl_alt_h).code, KeyCode::Char('h'));
    // ctrl with an upper-case letter (kitty protocol) is the lower-case chord.
    let ctrl_shift_s = KeyEvent::new(
        KeyCode::Char('S'),
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
    );
    assert_eq!(normalize(ctrl_shift_s), ctrl('s'));
    // shift-tab in either spelling is backtab.
    let shift_tab = KeyEvent::new(KeyCode::Tab, KeyModifiers::SHIFT);
    assert_eq!(normalize(shift_tab), ev(KeyCode::BackTab));
    let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(normalize(back_tab), ev(KeyCode::BackTab));
    // Home/End arrive as KeyCode::Home/End from crossterm and stay so.
    assert_eq!(normalize(ev(KeyCode::Home)), ev(KeyCode::Home));
    assert_eq!(normalize(ev(KeyCode::End)), ev(KeyCode::End));
}

#[test]
fn chord_text_joins_plain_chars_and_spaces_named_keys() {
    let gg = [Key::parse("g"), Key::parse("g")].map(|k| k.expect("key"));
    assert_eq!(chord_text(&gg), "gg");
    let cx = [Key::parse("ctrl-x"), Key::parse("s")].map(|k| k.expect("key"));
    assert_eq!(chord_text(&cx), "ctrl-x s");
    let one = [Key::parse("space").expect("key")];
    assert_eq!(chord_text(&one), "space");
}

// --- shipped files --------------------------------------------------------------------------

#[test]
fn every_shipped_keymap_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("keymaps/ exists") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        count += 1;
        if let Err(e) = Keymap::load(&[KeymapSource::File(path.clone())]) {
            panic!("{}: {}", path.display(), e.localize(Lang::En));
        }
    }
    assert!(count >= 2, "default.toml and vim.toml at least");
    assert!(Keymap::builtin().is_ok());
    assert!(Keymap::load(&[KeymapSource::Preset("vim".into())]).is_ok());
}

#[test]
fn default_binds_every_mode_and_the_essentials() {
    let km = Keymap::builtin().expect("default loads");
    for mode in Mode::ALL {
        assert!(!km.own_bindings(mode).is_empty(), "[{mode}] is empty");
    }
    assert_eq!(km.key_for(Mode::List, Action::Quit).as_deref(), Some("q"));
    assert_eq!(
        km.key_for(Mode::Form, Action::Save).as_deref(),
        Some("ctrl-s")
    );
    assert_eq!(
        km.key_for(Mode::Form, Action::Quit),
        None,
        "q types text in forms"
    );
    assert_eq!(
        km.key_for(Mode::Screen(Tab::Registries), Action::Filter)
            .as_deref(),
        Some("/")
    );
    // Every action reachable in at least one mode, so the palette is not the only way.
    for &a in Action::ALL {
        let bound = Mode::ALL
            .iter()
            .any(|&m| km.bindings(m).iter().any(|b| b.action == a));
        assert!(bound, "{a} has no key in the default keymap");
    }
}

#[test]
fn default_uses_fn_and_alt_keys_only_as_aliases() {
    let km = Keymap::builtin().expect("default loads");
    let mut aliases = 0;
    for mode in Mode::ALL {
        for b in km.own_bindings(mode) {
            if b.chord.iter().any(Key::is_fn_or_alt) {
                aliases += 1;
                let has_plain = km
                    .bindings(mode)
                    .iter()
                    .any(|o| o.action == b.action && !o.chord.iter().any(Key::is_fn_or_alt));
                assert!(
                    has_plain,
                    "[{mode}] {} ({}) has no plain or ctrl binding",
                    b.chord_text(),
                    b.action
                );
            }
        }
    }
    assert!(aliases > 0, "the test must see the f1/f5/f11 aliases");
}

#[test]
fn default_descriptions_exist_in_both_languages() {
    let km = Keymap::builtin().expect("default loads");
    for mode in Mode::ALL {
        for b in km.own_bindings(mode) {
            assert_eq!(
                b.desc.is_some(),
                b.desc_en.is_some(),
                "[{mode}] {}: desc and desc_en go together",
                b.chord_text()
            );
        }
    }
}

// --- lookup ---------------------------------------------------------------------------------

#[test]
fn lookup_sequences_and_pending() {
    let km = Keymap::load(&[KeymapSource::Preset("vim".into())]).expect("vim loads");
    assert_eq!(km.lookup(Mode::List, &[ch('g')]), Lookup::Pending);
    assert_eq!(
        km.lookup(Mode::List, &[ch('g'), ch('g')]),
        Lookup::Action(Action::Top)
    );
    assert_eq!(km.lookup(Mode::List, &[ch('g'), ch('x')]), Lookup::None);
    let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(
        km.lookup(Mode::List, &[shift_g]),
        Lookup::Action(Action::Bottom)
    );
    assert_eq!(km.lookup(Mode::List, &[]), Lookup::None);
    assert_eq!(
        km.lookup(Mode::List, &[ctrl('d')]),
        Lookup::Action(Action::PageDown)
    );
    // The default bindings are still there under the overlay.
    assert_eq!(
        km.lookup(Mode::List, &[ev(KeyCode::PageDown)]),
        Lookup::Action(Action::PageDown)
    );
}

#[test]
fn lookup_inherits_global_only_where_no_text_is_typed() {
    let km = Keymap::builtin().expect("default loads");
    assert_eq!(
        km.lookup(Mode::List, &[ch('q')]),
        Lookup::Action(Action::Quit)
    );
    assert_eq!(
        km.lookup(Mode::Detail, &[ch('2')]),
        Lookup::Action(Action::GoRegistries)
    );
    assert_eq!(km.lookup(Mode::Form, &[ch('q')]), Lookup::None);
    assert_eq!(km.lookup(Mode::Filter, &[ch('2')]), Lookup::None);
    // ^H is backspace in a text input.
    assert_eq!(
        km.lookup(Mode::Form, &[ctrl('h')]),
        Lookup::Action(Action::Backspace)
    );
    assert_eq!(
        km.lookup(
            Mode::Form,
            &[KeyEvent::new(KeyCode::Tab, KeyModifiers::SHIFT)]
        ),
        Lookup::Action(Action::PrevField)
    );
    // The mode's own binding of a chord wins over the global one.
    assert_eq!(
        km.lookup(Mode::Screen(Tab::Registries), &[ev(KeyCode::Esc)]),
        Lookup::Action(Action::ClearFilter)
    );
}

#[test]
fn hints_follow_the_keymap_and_language() {
    let km = Keymap::from_texts(&[(
        "user.toml",
        "[list]\nkeys = [ { on = \"F\", action = \"filter\", desc = \"查找\" } ]\n",
    )])
    .expect("loads");
    let zh = km.hints(Mode::Screen(Tab::Registries), Lang::Zh);
    assert!(zh.contains(&("/".to_string(), "筛选".to_string())));
    assert!(
        zh.contains(&("q".to_string(), "退出".to_string())),
        "global on a screen"
    );
    // One hint per action: filter's first chord is "/".
    assert_eq!(
        zh.iter()
            .filter(|(_, d)| d == "筛选" || d == "查找")
            .count(),
        1
    );
    let en = km.hints(Mode::Screen(Tab::Registries), Lang::En);
    assert!(en.contains(&("q".to_string(), "Quit".to_string())));
    assert_eq!(
        km.hint(
            Mode::Screen(Tab::Registries),
            Action::NextRegistry,
            Lang::En
        ),
        Some((
            "]".to_string(),
            "Next registry (targets/inspectors/departments/conflicts)".to_string()
        ))
    );
    // The user's desc is shown for the user's chord.
    let b = km
        .bindings(Mode::Screen(Tab::Registries))
        .iter()
        .find(|b| b.chord_text() == "F")
        .expect("user binding");
    assert_eq!(b.description(Lang::Zh), "查找");
    assert_eq!(
        b.description(Lang::En),
        "查找",
        "desc without desc_en is shown as written"
    );
}

// --- overrides ------------------------------------------------------------------------------

#[test]
fn user_file_overrides_same_chord_in_same_mode() {
    let user = "\
[list]
keys = [
  { on = \"x\", action = \"import\" },
  { on = \"ctrl-e\", action = \"export\" },
]
[global]
keys = [ { on = \"q\", action = \"unbind\" }, { on = \"ctrl-q\", action = \"quit\" } ]
";
    let km = Keymap::from_texts(&[("user.toml", user)]).expect("loads");
    assert_eq!(
        km.lookup(Mode::List, &[ch('x')]),
        Lookup::Action(Action::Import)
    );
    assert_eq!(
        km.lookup(Mode::List, &[ctrl('e')]),
        Lookup::Action(Action::Export)
    );
    assert_eq!(
        km.key_for(Mode::List, Action::Export).as_deref(),
        Some("ctrl-e")
    );
    assert_eq!(km.lookup(Mode::List, &[ch('q')]), Lookup::None, "unbound");
    assert_eq!(
        km.key_for(Mode::List, Action::Quit).as_deref(),
        Some("ctrl-q")
    );
    // Other modes are untouched: x is still unbound in forms, esc still cancels.
    assert_eq!(km.lookup(Mode::Form, &[ch('x')]), Lookup::None);
    let x = km
        .own_bindings(Mode::List)
        .iter()
        .find(|b| b.chord_text() == "x")
        .expect("x bound");
    assert_eq!(x.origin.file, "user.toml");
    assert_eq!(x.origin.line, 3);
}

#[test]
fn user_may_rebind_a_prefix_after_unbinding_the_long_chord() {
    let user = "[list]\nkeys = [ { on = [\"g\",\"g\"], action = \"unbind\" }, { on = \"g\", action = \"top\" } ]\n";
    let km = Keymap::from_texts(&[("vim", VIM_KEYMAP), ("user.toml", user)]).expect("loads");
    assert_eq!(
        km.lookup(Mode::List, &[ch('g')]),
        Lookup::Action(Action::Top)
    );
}

// --- rejected files -------------------------------------------------------------------------

#[test]
fn unknown_key_name_names_file_line_and_chord() {
    let text = "[list]\nkeys = [\n  { on = \"up\", action = \"up\" },\n  { on = \"ctrl-pgdwn\", action = \"page_down\" },\n]\n";
    let (err, zh, en) = overlay_error("bad_key.toml", text);
    assert!(matches!(*err.kind, KeymapErrorKind::BadKey { .. }));
    assert_names(&zh, "bad_key.toml", 4, "ctrl-pgdwn", Lang::Zh);
    assert_names(&en, "bad_key.toml", 4, "ctrl-pgdwn", Lang::En);
    assert!(zh.contains("未知按键名"), "{zh}");
}

#[test]
fn bad_key_inside_a_sequence_names_the_whole_sequence() {
    let text = "[list]\nkeys = [ { on = [\"g\", \"gee\"], action = \"top\" } ]\n";
    let (_, zh, _) = overlay_error("seq.toml", text);
    assert_names(&zh, "seq.toml", 2, "g gee", Lang::Zh);
}

#[test]
fn unknown_action_names_file_line_and_chord() {
    let text = "# my keys\n\n[form]\nkeys = [\n  { on = \"ctrl-w\",\n    action = \"sav\" },\n]\n";
    let (err, zh, en) = overlay_error("user/keymap.toml", text);
    assert!(matches!(*err.kind, KeymapErrorKind::UnknownAction { .. }));
    // The line of the `action` field.
    assert_names(&zh, "user/keymap.toml", 6, "ctrl-w", Lang::Zh);
    assert_names(&en, "user/keymap.toml", 6, "ctrl-w", Lang::En);
    assert!(
        en.contains("\"sav\"") && en.contains("did you mean \"save\""),
        "{en}"
    );
}

#[test]
fn duplicate_chord_in_one_file_names_both_lines() {
    let text = "[list]\nkeys = [\n  { on = \"a\", action = \"add\" },\n  { on = \"e\", action = \"edit\" },\n  { on = \"a\", action = \"import\" },\n]\n";
    let (err, zh, en) = overlay_error("dup.toml", text);
    assert_eq!(
        *err.kind,
        KeymapErrorKind::Duplicate {
            mode: Mode::List,
            chord: "a".into(),
            first_line: 3
        }
    );
    assert_names(&zh, "dup.toml", 5, "a", Lang::Zh);
    assert_names(&en, "dup.toml", 5, "a", Lang::En);
    assert!(en.contains("line 3"), "{en}");
}

#[test]
fn same_chord_in_different_modes_is_not_a_duplicate() {
    let text = "[list]\nkeys = [ { on = \"a\", action = \"add\" } ]\n[detail]\nkeys = [ { on = \"a\", action = \"add\" } ]\n";
    assert!(Keymap::from_texts(&[("ok.toml", text)]).is_ok());
}

#[test]
fn shadowing_chord_in_one_file_is_rejected() {
    let text = "[detail]\nkeys = [\n  { on = [\"z\", \"z\"], action = \"top\" },\n  { on = \"z\", action = \"bottom\" },\n]\n";
    let (err, zh, en) = overlay_error("shadow.toml", text);
    assert!(matches!(*err.kind, KeymapErrorKind::Shadowing { .. }));
    assert_names(&zh, "shadow.toml", 4, "z", Lang::Zh);
    assert_names(&en, "shadow.toml", 4, "z", Lang::En);
    assert!(en.contains("\"zz\"") && en.contains("line 3"), "{en}");
}

#[test]
fn shadowing_across_files_blames_the_later_file() {
    // vim binds gg in [list]; a user binding "g" alone would make gg untypeable.
    let user = "[list]\nkeys = [\n  { on = \"g\", action = \"go_registries\" },\n]\n";
    let err = match Keymap::from_texts(&[("keymaps/vim.toml", VIM_KEYMAP), ("mine.toml", user)]) {
        Ok(_) => panic!("should be rejected"),
        Err(e) => e,
    };
    let zh = err.localize(Lang::Zh);
    assert_names(&zh, "mine.toml", 3, "g", Lang::Zh);
    assert!(zh.contains("keymaps/vim.toml"), "{zh}");
}

#[test]
fn shadowing_between_a_mode_and_global_is_rejected() {
    // "q" is global (quit) and list inherits global: ["q","w"] in list could never be typed.
    let user = "[list]\nkeys = [ { on = [\"q\", \"w\"], action = \"save\" } ]\n";
    let (_, zh, _) = overlay_error("qw.toml", user);
    assert_names(&zh, "qw.toml", 2, "qw", Lang::Zh);
    assert!(zh.contains(DEFAULT_KEYMAP_NAME), "{zh}");
}

#[test]
fn unknown_mode_names_file_line_and_mode() {
    let text = "[list]\nkeys = []\n\n[tabel]\nkeys = [ { on = \"x\", action = \"export\" } ]\n";
    let (err, zh, en) = overlay_error("mode.toml", text);
    assert_eq!(*err.kind, KeymapErrorKind::UnknownMode("tabel".into()));
    assert!(
        zh.contains("mode.toml") && zh.contains("第 4 行") && zh.contains("[tabel]"),
        "{zh}"
    );
    assert!(
        en.contains("line 4") && en.contains("unknown mode [tabel]"),
        "{en}"
    );
}

#[test]
fn unknown_field_names_file_line_and_chord() {
    let text = "[list]\nkeys = [\n  { on = \"a\", action = \"add\", descr = \"新增\" },\n]\n";
    let (err, zh, en) = overlay_error("field.toml", text);
    assert!(matches!(*err.kind, KeymapErrorKind::UnknownField { .. }));
    assert_names(&zh, "field.toml", 3, "a", Lang::Zh);
    assert_names(&en, "field.toml", 3, "a", Lang::En);
    assert!(en.contains("descr"), "{en}");

    let text = "[list]\nbindings = []\n";
    let (err, _, en) = overlay_error("field2.toml", text);
    assert!(matches!(
        *err.kind,
        KeymapErrorKind::UnknownField { chord: None, .. }
    ));
    assert!(en.contains("line 2") && en.contains("bindings"), "{en}");
}

#[test]
fn structural_errors_are_reported_with_lines() {
    let cases: [(&str, usize); 6] = [
        ("[list]\nkeys = [ { action = \"add\" } ]\n", 2),
        ("[list]\nkeys = [ { on = \"a\" } ]\n", 2),
        ("[list]\nkeys = [ { on = 5, action = \"add\" } ]\n", 2),
        ("[list]\nkeys = [ { on = [], action = \"add\" } ]\n", 2),
        ("[list]\nkeys = \"a\"\n", 2),
        (
            "[list]\nkeys = [\n  { on = \"a\", action = \"add\", desc = 3 },\n]\n",
            3,
        ),
    ];
    for (text, line) in cases {
        let (_, _, en) = overlay_error("s.toml", text);
        assert!(
            en.contains(&format!("s.toml, line {line}")),
            "{text:?} -> {en}"
        );
    }
    let (err, _, en) = overlay_error("syntax.toml", "[list]\nkeys = [ { on = \"a\" \n");
    assert!(matches!(*err.kind, KeymapErrorKind::Syntax(_)));
    assert!(en.contains("syntax.toml") && en.contains("line "), "{en}");
}

#[test]
fn missing_file_and_unknown_preset_are_errors() {
    let err = Keymap::load(&[KeymapSource::File("/no/such/keymap.toml".into())])
        .expect_err("missing file");
    assert!(matches!(*err.kind, KeymapErrorKind::Io(_)));
    assert!(err.localize(Lang::Zh).contains("/no/such/keymap.toml"));
    assert_eq!(
        KeymapSource::from_arg("vim"),
        KeymapSource::Preset("vim".into())
    );
    assert_eq!(
        KeymapSource::from_arg("my.toml"),
        KeymapSource::File("my.toml".into())
    );
    let err = Keymap::load(&[KeymapSource::Preset("emacs".into())]).expect_err("no preset");
    assert!(err.localize(Lang::En).contains("emacs"));
}

#[test]
fn bom_prefixed_user_file_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.toml");
    std::fs::write(
        &path,
        b"\xEF\xBB\xBF[list]\nkeys = [ { on = \"x\", action = \"import\" } ]\n",
    )
    .expect("write");
    let km = Keymap::load(&[KeymapSource::File(path)]).expect("loads");
    assert_eq!(
        km.lookup(Mode::List, &[ch('x')]),
        Lookup::Action(Action::Import)
    );
}

#[test]
fn line_of_counts_from_one() {
    assert_eq!(line_of("a\nb\nc", 0), 1);
    assert_eq!(line_of("a\nb\nc", 2), 2);
    assert_eq!(line_of("a\nb\nc", 4), 3);
    assert_eq!(line_of("a", 99), 1);
}

#[test]
fn startup_sources_use_an_existing_config_file_then_the_argument() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("keymap.toml");
    assert_eq!(startup_sources(Some(&config), None), vec![]);
    assert_eq!(
        startup_sources(Some(&config), Some("vim")),
        vec![KeymapSource::Preset("vim".into())]
    );
    std::fs::write(&config, "").expect("write");
    assert_eq!(
        startup_sources(Some(&config), Some("mine.toml")),
        vec![
            KeymapSource::File(config.clone()),
            KeymapSource::File("mine.toml".into())
        ]
    );
    assert!(Keymap::load(&startup_sources(Some(&config), None)).is_ok());
}

#[test]
fn a_keymap_that_unbinds_every_way_out_is_refused() {
    let text = "[global]\nkeys = [\n  { on = \"q\", action = \"unbind\" },\n  { on = \":\", action = \"unbind\" },\n  { on = \"ctrl-p\", action = \"unbind\" },\n  { on = \"?\", action = \"unbind\" },\n  { on = \"f1\", action = \"unbind\" },\n]\n";
    let e = Keymap::from_texts(&[("trap.toml", text)]).unwrap_err();
    assert_eq!(*e.kind, KeymapErrorKind::NoWayOut);
    assert!(e.localize(Lang::En).contains("trap.toml"));
    assert!(e.localize(Lang::Zh).contains("退出"));
    // Keeping one way out (the palette on ctrl-p) is fine.
    let keep = text.replace("{ on = \"ctrl-p\", action = \"unbind\" },\n", "");
    assert!(Keymap::from_texts(&[("ok.toml", &keep)]).is_ok());
}

#[cfg(unix)]
#[test]
fn an_endless_keymap_file_is_refused_not_read_forever() {
    let e = Keymap::load(&[KeymapSource::File("/dev/zero".into())]).unwrap_err();
    assert_eq!(*e.kind, KeymapErrorKind::TooLarge(MAX_KEYMAP_FILE));
}

// --- screens and hints ------------------------------------------------------------------------

#[test]
fn every_status_hint_of_the_shipped_keymaps_is_a_bound_key() {
    // (vim's [detail] takes q for closing: its bar leaves quit out, as any unbound hint.)
    for km in [Keymap::builtin().expect("default")] {
        for mode in Mode::ALL {
            for &a in km.hints.get(&mode).into_iter().flatten() {
                assert!(
                    km.key_for(mode, a).is_some(),
                    "[{mode}] hints {a} but binds no key to it"
                );
            }
        }
        for tab in Tab::ALL {
            assert!(
                !km.status_hints(Mode::Screen(tab), Lang::Zh).is_empty(),
                "[{}] has no status-bar hints",
                tab.name()
            );
        }
    }
}

#[test]
fn each_screen_has_its_own_keys_and_inherits_list_and_global() {
    let km = Keymap::builtin().expect("default");
    let audit = Mode::Screen(Tab::Audit);
    // The audit tab handles no filter, add, edit, status, import or registry switch.
    for c in ['/', 'a', 'e', 's', 'i', ']'] {
        assert_eq!(
            km.lookup(audit, &[ch(c)]),
            Lookup::None,
            "{c} on the audit tab"
        );
    }
    assert_eq!(km.lookup(audit, &[ch('q')]), Lookup::Action(Action::Quit));
    assert_eq!(km.lookup(audit, &[ch('j')]), Lookup::Action(Action::Down));
    // The dashboard shows no list: no [list] movement there.
    let dash = Mode::Screen(Tab::Dashboard);
    assert_eq!(km.lookup(dash, &[ch('j')]), Lookup::None);
    assert_eq!(
        km.lookup(dash, &[ev(KeyCode::Right)]),
        Lookup::Action(Action::Right)
    );
    assert_eq!(
        km.lookup(Mode::Screen(Tab::Tasks), &[ch('c')]),
        Lookup::Action(Action::TaskCheck)
    );
    assert_eq!(
        km.lookup(Mode::Screen(Tab::Registries), &[ch('c')]),
        Lookup::None
    );
}

#[test]
fn a_list_entry_of_a_user_file_applies_to_the_screens_with_a_list() {
    let km = Keymap::from_texts(&[(
        "user.toml",
        "[list]\nkeys = [ { on = \"ctrl-n\", action = \"down\" } ]\n",
    )])
    .expect("loads");
    let down = [ctrl('n')];
    for tab in Tab::ALL {
        let want = if tab.has_list() {
            Lookup::Action(Action::Down)
        } else {
            Lookup::None
        };
        assert_eq!(km.lookup(Mode::Screen(tab), &down), want, "{}", tab.name());
    }
}

#[test]
fn unknown_hint_names_file_line_and_action() {
    let text = "[audit]\nhints = [\n  \"help\",\n  \"filtre\",\n]\n";
    let (err, zh, en) = overlay_error("user.toml", text);
    assert_eq!(err.line, Some(4));
    assert!(
        zh.contains("user.toml") && zh.contains("第 4 行") && zh.contains("filtre"),
        "{zh}"
    );
    assert!(en.contains("did you mean \"filter\""), "{en}");
    let (err, _, en) = overlay_error("user.toml", "[audit]\nhints = \"help\"\n");
    assert_eq!(err.line, Some(2));
    assert!(en.contains("hints of [audit] must be a list"), "{en}");
}

#[test]
fn a_later_file_replaces_a_tables_hints() {
    let km = Keymap::from_texts(&[("user.toml", "[audit]\nhints = [\"quit\", \"filter\"]\n")])
        .expect("loads");
    // filter is not bound on the audit tab: it is left out of the bar.
    let shown: Vec<Action> = km
        .status_hints(Mode::Screen(Tab::Audit), Lang::Zh)
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    assert_eq!(shown, vec![Action::Quit]);
}
