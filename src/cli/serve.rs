//! `shuangsui serve` from the command line: the socket, the roles file and the limits.

use super::*;

/// `shuangsui serve`: hold the store and answer on the socket until killed.
pub(super) fn serve(cli: &Cli, db: &Path, args: &ServeArgs) -> i32 {
    let lang = cli.lang;
    let socket = socket_path(cli, db);
    let roles = roles_path(cli, db);
    // The key before the socket: a client that connects finds the head signed from the start.
    let signer = match crate::store::sign::Signer::open_or_create(&cli.key) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "{}{e}",
                lang.pick(
                    "无法读取或创建签名密钥：",
                    "cannot read or make the signing key: "
                )
            );
            return 1;
        }
    };
    let server =
        match crate::server::Server::bind_roles(db, &socket, &roles, cli.roles.is_some(), lang) {
            Ok(s) => s.with_limits(args.limits()),
            Err(e) => {
                eprintln!("{}", e.localize(lang));
                return e.exit_code();
            }
        };
    server.office().set_signer(signer);
    let roles_text = if server.office().roles().is_some() {
        roles.display().to_string()
    } else {
        lang.pick(
            "无（单人办公：所有人均为 director）",
            "none (single-user office: everyone is director)",
        )
        .to_string()
    };
    eprintln!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "shuangsui serve：数据库 {}，套接字 {}，角色文件 {roles_text}",
                db.display(),
                socket.display()
            ),
            Lang::En => format!(
                "shuangsui serve: store {}, socket {}, roles {roles_text}",
                db.display(),
                socket.display()
            ),
        }
    );
    match server.run() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}
