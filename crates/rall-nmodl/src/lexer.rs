//! NMODL lexer.

use crate::error::{Loc, NmodlError};

/// Token kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Identifier or keyword.
    Name(String),
    /// Number literal (value, source text).
    Num(f64, String),
    /// String literal (without quotes).
    Str(String),
    /// VERBATIM … ENDVERBATIM body.
    Verbatim(String),
    /// TITLE text.
    Title(String),
    /// Punctuation / operator.
    Op(&'static str),
    /// End of input.
    Eof,
}

/// A token with its position.
#[derive(Debug, Clone)]
pub struct Token {
    /// Kind.
    pub tok: Tok,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// Byte offset of the token start.
    pub start: usize,
    /// Byte offset after the token.
    pub end: usize,
}

const OPS: &[&str] = &[
    "<->", "<<", "->", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "^", "(", ")", "{",
    "}", "[", "]", ",", "=", "<", ">", "!", "~", "'", "%", ";", "@", "&", "|",
];

/// Split NMODL text into tokens. Comments (`:`, `?`, COMMENT…ENDCOMMENT) are dropped.
pub fn lex(file: &str, src: &str) -> Result<Vec<Token>, NmodlError> {
    let b = src.as_bytes();
    let mut i = 0usize;
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut out = Vec::new();
    let col_of = |pos: usize, ls: usize| -> u32 { src[ls..pos].chars().count() as u32 + 1 };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            i += 1;
            line += 1;
            line_start = i;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b':' || c == b'?' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        let tline = line;
        let tcol = col_of(i, line_start);
        let loc = |l: u32, c: u32| Loc {
            file: file.to_string(),
            line: l,
            col: c,
        };
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = &src[start..i];
            match word {
                "COMMENT" => {
                    let rest = &src[i..];
                    let Some(p) = rest.find("ENDCOMMENT") else {
                        return Err(NmodlError::Syntax {
                            loc: loc(tline, tcol),
                            msg: "COMMENT without ENDCOMMENT".into(),
                        });
                    };
                    for ch in rest[..p].bytes() {
                        if ch == b'\n' {
                            line += 1;
                        }
                    }
                    if let Some(nl) = rest[..p].rfind('\n') {
                        line_start = i + nl + 1;
                    }
                    i += p + "ENDCOMMENT".len();
                    continue;
                }
                "VERBATIM" => {
                    let rest = &src[i..];
                    let Some(p) = rest.find("ENDVERBATIM") else {
                        return Err(NmodlError::Syntax {
                            loc: loc(tline, tcol),
                            msg: "VERBATIM without ENDVERBATIM".into(),
                        });
                    };
                    let body = rest[..p].to_string();
                    for ch in body.bytes() {
                        if ch == b'\n' {
                            line += 1;
                        }
                    }
                    if let Some(nl) = body.rfind('\n') {
                        line_start = i + nl + 1;
                    }
                    i += p + "ENDVERBATIM".len();
                    out.push(Token {
                        tok: Tok::Verbatim(body),
                        line: tline,
                        col: tcol,
                        start,
                        end: i,
                    });
                    continue;
                }
                "TITLE" => {
                    let s = i;
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    out.push(Token {
                        tok: Tok::Title(src[s..i].trim().to_string()),
                        line: tline,
                        col: tcol,
                        start,
                        end: i,
                    });
                    continue;
                }
                _ => {}
            }
            out.push(Token {
                tok: Tok::Name(word.to_string()),
                line: tline,
                col: tcol,
                start,
                end: i,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && i + 1 < b.len() && b[i + 1].is_ascii_digit()) {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i < b.len() && b[i] == b'.' {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let save = i;
                i += 1;
                if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                    i += 1;
                }
                if i < b.len() && b[i].is_ascii_digit() {
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                } else {
                    i = save;
                }
            }
            let text = &src[start..i];
            let v: f64 = text.parse().map_err(|_| NmodlError::Syntax {
                loc: loc(tline, tcol),
                msg: format!("bad number `{text}`"),
            })?;
            out.push(Token {
                tok: Tok::Num(v, text.to_string()),
                line: tline,
                col: tcol,
                start,
                end: i,
            });
            continue;
        }
        if c == b'"' {
            i += 1;
            let s = i;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            if i >= b.len() || b[i] != b'"' {
                return Err(NmodlError::Syntax {
                    loc: loc(tline, tcol),
                    msg: "unterminated string".into(),
                });
            }
            let text = src[s..i].to_string();
            i += 1;
            out.push(Token {
                tok: Tok::Str(text),
                line: tline,
                col: tcol,
                start,
                end: i,
            });
            continue;
        }
        let rest = &src[i..];
        let Some(op) = OPS.iter().find(|o| rest.starts_with(**o)) else {
            let ch = rest.chars().next().unwrap_or('?');
            return Err(NmodlError::Syntax {
                loc: loc(tline, tcol),
                msg: format!("unexpected character `{ch}`"),
            });
        };
        i += op.len();
        out.push(Token {
            tok: Tok::Op(op),
            line: tline,
            col: tcol,
            start,
            end: i,
        });
    }
    let col = col_of(b.len(), line_start);
    out.push(Token {
        tok: Tok::Eof,
        line,
        col,
        start: b.len(),
        end: b.len(),
    });
    Ok(out)
}
