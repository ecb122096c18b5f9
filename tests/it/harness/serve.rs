//! A preview server over a test project, on a free port of 127.0.0.1, stopped when its handle
//! is dropped: either the library's server in this process (`Project::serve`), with a PDF
//! renderer the test chooses, or `speechgen serve --port 0` as a user starts it
//! (`Project::serve_command`).

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use speechgen::error::Error as ServeError;
use speechgen::format::Renderers;
use speechgen::serve::{self, ServeOptions, Server};

use super::{Client, Project, Response, Run, http};

pub struct Served {
    /// Where it listens (the real port).
    pub addr: SocketAddr,
    /// The secret made at its start (from the server, or read from the address it printed).
    pub secret: String,
    running: Running,
}

enum Running {
    InProcess(Server),
    Process {
        child: Child,
        stdout: Option<JoinHandle<String>>,
        stderr: Option<JoinHandle<String>>,
    },
}

impl Project {
    /// The preview server in this process over the sample's facts file, with a PDF renderer
    /// that answers a fixed fake PDF at once (the preview tests are not about the layout).
    pub fn serve(&self) -> Served {
        self.serve_with(|_| {})
    }

    /// `serve` with options changed first: another PDF renderer, host or port.
    pub fn serve_with(&self, configure: impl FnOnce(&mut ServeOptions)) -> Served {
        self.try_serve_with(configure)
            .unwrap_or_else(|e| panic!("the preview server starts: {e}"))
    }

    /// `serve_with`, for a test of a server that does not start.
    pub fn try_serve_with(
        &self,
        configure: impl FnOnce(&mut ServeOptions),
    ) -> Result<Served, ServeError> {
        let fake_pdf = Renderers::with_pdf_engine(|_doc| Ok(b"%PDF-1.7 fake".to_vec()));
        let mut opts = ServeOptions::new(self.root(), self.facts(), fake_pdf);
        opts.port = 0;
        configure(&mut opts);
        let server = serve::start(opts)?;
        Ok(Served {
            addr: server.addr,
            secret: server.secret().to_owned(),
            running: Running::InProcess(server),
        })
    }

    /// `speechgen serve --port 0 ARGS` run in the project folder, once it has printed the address
    /// it listens on.
    pub fn serve_command<I, S>(&self, args: I) -> Served
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.spawn_server(self.process(["serve", "--port", "0"]).args(args))
    }

    /// A `speechgen` process started by `command` (`serve`, or no arguments under a terminal),
    /// once it has printed the address it listens on, with its key.
    pub fn spawn_server(&self, command: &mut std::process::Command) -> Served {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("speechgen serve starts");
        let stdout = collect(child.stdout.take().unwrap(), |_| {});
        let (tx, rx) = std::sync::mpsc::channel();
        // The line `讲话稿工作台：http://127.0.0.1:PORT/?key=SECRET` gives the address and key.
        let stderr = collect(child.stderr.take().unwrap(), move |line| {
            if let Some(rest) = line.split("http://").nth(1)
                && let Ok(addr) = rest.split('/').next().unwrap_or("").parse::<SocketAddr>()
            {
                let key = rest
                    .split("key=")
                    .nth(1)
                    .map(|k| k.chars().take_while(char::is_ascii_hexdigit).collect())
                    .unwrap_or_default();
                let _ = tx.send((addr, key));
            }
        });
        let found = rx.recv_timeout(Duration::from_secs(30));
        let addr = found.as_ref().map(|(a, _)| *a).map_err(|_| ());
        let served = Served {
            addr: addr.unwrap_or(([0, 0, 0, 0], 0).into()),
            secret: found.map(|(_, k)| k).unwrap_or_default(),
            running: Running::Process {
                child,
                stdout: Some(stdout),
                stderr: Some(stderr),
            },
        };
        if addr.is_err() {
            let run = served.interrupt();
            panic!(
                "speechgen serve printed no address (exit {})\n--- stderr\n{}",
                run.code, run.stderr
            );
        }
        served
    }
}

/// Reads a stream line by line on a thread of its own, calling `each` on every line; the thread
/// returns the whole text when the stream ends.
fn collect(
    stream: impl Read + Send + 'static,
    mut each: impl FnMut(&str) + Send + 'static,
) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            each(&line);
            text.push_str(&line);
            text.push('\n');
        }
        text
    })
}

impl Served {
    /// The address a browser opens, with the key it exchanges for the cookie:
    /// `http://127.0.0.1:PORT/?key=SECRET`.
    pub fn url(&self) -> String {
        format!("{}?key={}", serve::url(self.addr), self.secret)
    }

    /// The address without the key, `http://127.0.0.1:PORT/`.
    pub fn plain_url(&self) -> String {
        serve::url(self.addr)
    }

    /// A client holding the secret, to take into threads.
    pub fn client(&self) -> Client {
        Client {
            addr: self.addr,
            secret: self.secret.clone(),
        }
    }

    /// GET `path` (`/`, `/view`, `/speech.pdf`…) with the secret's cookie, as the browser sends it.
    pub fn get(&self, path: &str) -> Response {
        self.client().get(path)
    }

    /// Sends raw bytes with the secret's cookie added (unless they carry a Cookie of their own);
    /// None when the server closed without answering.
    pub fn raw(&self, request: &[u8]) -> Option<Response> {
        self.client().raw(request)
    }

    /// Sends raw bytes exactly as given (no cookie added).
    pub fn raw_as_is(&self, request: &[u8]) -> Option<Response> {
        http::raw(self.addr, request)
    }

    /// POST a JSON value as the workspace page does (cookie, secret header, Origin).
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.client().post_json(path, body)
    }

    /// The text of the page at `/`.
    pub fn page(&self) -> String {
        self.get("/").text()
    }

    /// Stops the server and waits for it.
    pub fn shutdown(self) {
        if let Running::Process { .. } = self.running {
            self.interrupt();
        }
        // An in-process `Server` stops when dropped, here.
    }

    /// What a user does to stop `speechgen serve`: Ctrl-C (SIGINT). Waits for the process and
    /// returns its exit code and output.
    pub fn interrupt(mut self) -> Run {
        let Running::Process {
            child,
            stdout,
            stderr,
        } = &mut self.running
        else {
            panic!("interrupt() stops `speechgen serve`, not the server in this process");
        };
        let interrupted = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if !interrupted || start.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                break child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let text = |h: &mut Option<JoinHandle<String>>| h.take().unwrap().join().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: text(stdout),
            stderr: text(stderr),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // An in-process `Server` stops itself on drop.
        if let Running::Process { child, .. } = &mut self.running {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
