//! A real SMTP server on loopback for the tests: it speaks enough SMTP for a client to deliver
//! (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every message it accepts, and can be
//! told to answer 4xx for an address a number of times, or 5xx for it always. For the crash
//! tests it can also hold its answers: close its gate (or have it closed by the n-th message)
//! and no greeting and no 250 to a message's data goes out until it is opened again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// A header's value (the first of that name), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut out: Option<String> = None;
        let mut in_it = false;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if in_it && let Some(o) = out.as_mut() {
                    o.push_str(line.trim_start());
                }
                continue;
            }
            if out.is_some() {
                break;
            }
            in_it = false;
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case(name)
            {
                out = Some(v.trim().to_owned());
                in_it = true;
            }
        }
        out
    }

    /// The decoded body of the part with this content type (quoted-printable or base64 undone).
    pub fn part(&self, content_type: &str) -> Option<String> {
        let marker = format!("Content-Type: {content_type}");
        let start = self.data.find(&marker)?;
        let rest = &self.data[start..];
        let (head, body) = rest.split_once("\r\n\r\n")?;
        // The part ends at its own multipart's boundary: the nearest delimiter line above it
        // (a message with an attachment nests its text and HTML in a part of their own).
        let boundary = self.data[..start]
            .rsplit("\r\n")
            .find_map(|l| l.strip_prefix("--").filter(|b| !b.is_empty() && !b.starts_with(' ')))
            .unwrap_or("\u{0}");
        let end = body.find(&format!("\r\n--{boundary}")).unwrap_or(body.len());
        let body = &body[..end];
        if head.contains("Content-Transfer-Encoding: quoted-printable") {
            Some(decode_qp(body))
        } else if head.contains("Content-Transfer-Encoding: base64") {
            use base64::Engine;
            let clean: String = body.split_whitespace().collect();
            Some(String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(clean).ok()?).into_owned())
        } else {
            Some(body.to_owned())
        }
    }
}

fn decode_qp(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if let Some(h) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(h);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    /// Address → how many more times to answer 451.
    temporary: HashMap<String, u32>,
    /// Addresses answered 550.
    permanent: Vec<String>,
    /// 4xx answers given.
    deferred: u32,

    /// Close the gate when this many messages have arrived, before answering the last.
    close_at: Option<usize>,
}

/// The sink; dropped, it stops listening.
pub struct Sink {
    pub port: u16,
    state: Arc<Mutex<State>>,
    /// Open: answers flow. Closed: greetings and the 250 after a message's data wait.
    gate: Arc<tokio::sync::watch::Sender<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sink {
    pub async fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let gate = Arc::new(tokio::sync::watch::Sender::new(true));
        let (shared, g) = (Arc::clone(&state), Arc::clone(&gate));
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (s, g) = (Arc::clone(&shared), Arc::clone(&g));
                tokio::spawn(async move {
                    let _ = session(socket, s, g).await;
                });
            }
        });
        Sink { port, state, gate, task }
    }

    /// Holds every greeting and every 250 to a message's data until [`Sink::open`].
    pub fn close(&self) {
        self.gate.send_replace(false);
    }

    pub fn open(&self) {
        self.gate.send_replace(true);
    }

    /// Closes the gate the moment the `n`-th message has arrived, before it is answered: its
    /// sender has handed the message over and does not know it yet.
    pub fn close_at(&self, n: usize) {
        self.state.lock().unwrap().close_at = Some(n);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Answers 451 to RCPT of `address` the next `times` times.
    pub fn defer(&self, address: &str, times: u32) {
        self.state.lock().unwrap().temporary.insert(address.to_lowercase(), times);
    }

    /// Answers 550 to RCPT of `address`.
    pub fn reject(&self, address: &str) {
        self.state.lock().unwrap().permanent.push(address.to_lowercase());
    }

    /// Accepts `address` again.
    pub fn accept(&self, address: &str) {
        self.state.lock().unwrap().permanent.retain(|a| a != &address.to_lowercase());
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn deferred(&self) -> u32 {
        self.state.lock().unwrap().deferred
    }

    /// Waits until `n` messages have arrived (at most `secs` seconds), then returns them all.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            let got = self.received();
            if got.len() >= n || std::time::Instant::now() > until {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    state: Arc<Mutex<State>>,
    gate: Arc<tokio::sync::watch::Sender<bool>>,
) -> std::io::Result<()> {
    let (r, mut w) = socket.into_split();
    let mut r = BufReader::new(r);
    let mut open = gate.subscribe();
    let _ = open.wait_for(|o| *o).await;
    w.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut from = String::new();
    let mut to: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_owned();
        let upper = cmd.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            "250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n".into()
        } else if upper.starts_with("HELO") {
            "250 sink.test\r\n".into()
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&cmd[10..]);
            to.clear();
            "250 OK\r\n".into()
        } else if upper.starts_with("RCPT TO:") {
            let a = address(&cmd[8..]).to_lowercase();
            let mut s = state.lock().unwrap();
            if s.permanent.contains(&a) {
                "550 5.1.1 mailbox unavailable\r\n".into()
            } else if let Some(n) = s.temporary.get_mut(&a).filter(|n| **n > 0) {
                *n -= 1;
                s.deferred += 1;
                "451 4.3.0 try again later\r\n".into()
            } else {
                to.push(a);
                "250 OK\r\n".into()
            }
        } else if upper == "DATA" {
            if to.is_empty() {
                "554 no valid recipients\r\n".into()
            } else {
                w.write_all(b"354 end with .\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l).await? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" || l == ".\n" {
                        break;
                    }
                    let l = l.strip_prefix('.').unwrap_or(&l);
                    data.push_str(l);
                }
                {
                    let mut s = state.lock().unwrap();
                    s.received.push(Received { from: from.clone(), to: std::mem::take(&mut to), data });
                    if s.close_at == Some(s.received.len()) {
                        gate.send_replace(false);
                    }
                }
                let _ = open.wait_for(|o| *o).await;
                "250 OK queued\r\n".into()
            }
        } else if upper == "RSET" {
            to.clear();
            "250 OK\r\n".into()
        } else if upper == "NOOP" {
            "250 OK\r\n".into()
        } else if upper == "QUIT" {
            w.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            "502 command not implemented\r\n".into()
        };
        w.write_all(reply.as_bytes()).await?;
    }
}

fn address(s: &str) -> String {
    let s = s.trim();
    let s = s.split_whitespace().next().unwrap_or("");
    s.trim_start_matches('<').trim_end_matches('>').to_owned()
}
