//! The syntax tree of a script: expressions, statements, and the flat code the runner
//! steps through.

use super::builtins::Builtin;
use super::types::Ty;

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
    /// `!x`
    Not,
    /// `~x`
    BitNot,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `&`
    BitAnd,
    /// `^`
    BitXor,
    /// `|`
    BitOr,
    /// `&&`
    And,
    /// `||`
    Or,
}

impl BinOp {
    /// The operator for a token and its precedence (higher binds tighter), as in C.
    pub fn from_token(p: &str) -> Option<(BinOp, u8)> {
        let r = match p {
            "*" => (BinOp::Mul, 10),
            "/" => (BinOp::Div, 10),
            "%" => (BinOp::Rem, 10),
            "+" => (BinOp::Add, 9),
            "-" => (BinOp::Sub, 9),
            "<<" => (BinOp::Shl, 8),
            ">>" => (BinOp::Shr, 8),
            "<" => (BinOp::Lt, 7),
            "<=" => (BinOp::Le, 7),
            ">" => (BinOp::Gt, 7),
            ">=" => (BinOp::Ge, 7),
            "==" => (BinOp::Eq, 6),
            "!=" => (BinOp::Ne, 6),
            "&" => (BinOp::BitAnd, 5),
            "^" => (BinOp::BitXor, 4),
            "|" => (BinOp::BitOr, 3),
            "&&" => (BinOp::And, 2),
            "||" => (BinOp::Or, 1),
            _ => return None,
        };
        Some(r)
    }

    /// The operator of a compound assignment such as `+=`.
    pub fn from_assign(p: &str) -> Option<Option<BinOp>> {
        let r = match p {
            "=" => None,
            "+=" => Some(BinOp::Add),
            "-=" => Some(BinOp::Sub),
            "*=" => Some(BinOp::Mul),
            "/=" => Some(BinOp::Div),
            "%=" => Some(BinOp::Rem),
            "|=" => Some(BinOp::BitOr),
            "&=" => Some(BinOp::BitAnd),
            "^=" => Some(BinOp::BitXor),
            "<<=" => Some(BinOp::Shl),
            ">>=" => Some(BinOp::Shr),
            _ => return None,
        };
        Some(r)
    }

    /// True for operators whose value is 0 or 1.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::Eq
                | BinOp::Ne
                | BinOp::And
                | BinOp::Or
        )
    }
}

/// An expression and where it starts. `ty` is filled in by the checker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Its C type (after checking).
    pub ty: Ty,
    /// Line of its first token.
    pub line: u32,
    /// Column of its first token.
    pub col: u32,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// An integer literal or a resolved constant.
    Int(u64),
    /// A string literal's bytes (without the NUL).
    Str(Vec<u8>),
    /// A name before checking: a variable or a constant.
    Name(String),
    /// A global variable, by slot (after checking).
    Var(usize),
    /// A local variable or parameter of the running function, by slot (after checking).
    Local(usize),
    /// A function call; `builtin` or `function` is set by the checker.
    Call {
        /// The name as written.
        name: String,
        /// The builtin it calls.
        builtin: Option<Builtin>,
        /// The script's own function it calls, by index.
        function: Option<usize>,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// `cond ? a : b`
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `p->Field` before checking (afterwards a [`ExprKind::Field`]).
    Arrow(Box<Expr>, String),
    /// `-x`, `!x`, …
    Unary(UnOp, Box<Expr>),
    /// `&var`: only as an out-parameter.
    AddrOf(Box<Expr>),
    /// `*p`
    Deref(Box<Expr>),
    /// `p[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `mbi.Field`
    Field(Box<Expr>, String),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `target = value` or `target op= value`.
    Assign(Option<BinOp>, Box<Expr>, Box<Expr>),
    /// `x++`, `++x`, `x--`, `--x`.
    IncDec {
        /// `++` (true) or `--`.
        increment: bool,
        /// `++x` (true) or `x++`.
        prefix: bool,
        /// The variable or memory changed.
        target: Box<Expr>,
    },
    /// `(T)x`
    Cast(Ty, Box<Expr>),
    /// `sizeof expr` before checking (afterwards an [`ExprKind::Int`]).
    SizeofExpr(Box<Expr>),
}

impl Expr {
    /// An expression of `kind` at `line:col`, type still unknown.
    pub fn new(kind: ExprKind, line: u32, col: u32) -> Expr {
        Expr {
            kind,
            ty: Ty::LONG_LONG,
            line,
            col,
        }
    }
}

/// Where a statement is in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Line of its first token.
    pub line: u32,
    /// Column of its first token.
    pub col: u32,
    /// Byte offset of its first token.
    pub start: usize,
    /// Byte offset past its last token.
    pub end: usize,
}

/// One declared name: `*p = init` in `int *p = init;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declarator {
    /// The variable.
    pub name: String,
    /// Its declared type.
    pub ty: Ty,
    /// The initial value, if any.
    pub init: Option<Expr>,
    /// Line of the name.
    pub line: u32,
    /// Column of the name.
    pub col: u32,
}

/// A statement as parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `expr;`
    Expr(Expr, Span),
    /// `T a = …, *b;`
    Decl(Vec<Declarator>, Span),
    /// `for (init; cond; step) body`
    For {
        /// `for (…)`: the text of a pass when there is no condition.
        header: Span,
        /// Runs once first.
        init: Option<Box<Stmt>>,
        /// Checked before each pass; none means "always".
        cond: Option<(Expr, Span)>,
        /// Runs after each pass.
        step: Option<(Expr, Span)>,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// Control flow, functions, structured exceptions.
    Flow(Flow),
}

/// More statements as parsed: control flow, functions and structured exceptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flow {
    /// `if (cond) then else els`
    If {
        /// The condition.
        cond: (Expr, Span),
        /// Runs when it is true.
        then: Vec<Stmt>,
        /// Runs when it is false.
        els: Vec<Stmt>,
    },
    /// `while (cond) body`, or `do body while (cond);` when `test_first` is false.
    While {
        /// The condition.
        cond: (Expr, Span),
        /// The loop body.
        body: Vec<Stmt>,
        /// `while` (true) or `do … while` (false).
        test_first: bool,
    },
    /// `switch (value) { case …: … default: … }`
    Switch {
        /// The value compared with the cases.
        value: (Expr, Span),
        /// The body, with [`Flow::Case`] labels among its statements.
        body: Vec<Stmt>,
    },
    /// `case value:` (`None`: `default:`) inside a switch body.
    Case(Option<Expr>, Span),
    /// `break;`
    Break(Span),
    /// `continue;`
    Continue(Span),
    /// `__leave;`
    Leave(Span),
    /// `return value;`
    Return(Option<Expr>, Span),
    /// `__try { body } __except (filter) { handler }` or `__try { body } __finally { handler }`.
    Try {
        /// The guarded statements.
        body: Vec<Stmt>,
        /// The filter expression of `__except`; `None` for `__finally`.
        filter: Option<(Expr, Span)>,
        /// The `__except` handler or the `__finally` block.
        handler: Vec<Stmt>,
    },
    /// A function definition (or, with no body, a prototype).
    Function(Box<FunctionDef>),
}

/// `T name(T a, T b) { body }` as parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDef {
    /// Its name.
    pub name: String,
    /// Its result type (`Ty::Void` for none).
    pub returns: Ty,
    /// Its parameters: names (empty in a prototype without names) and types.
    pub params: Vec<(String, Ty)>,
    /// Its statements; `None` for a prototype.
    pub body: Option<Vec<Stmt>>,
    /// Line of the name.
    pub line: u32,
    /// Column of the name.
    pub col: u32,
}

/// What a checked statement does when it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Evaluate an expression (a call, an assignment, …).
    Eval(Expr),
    /// Give declared variables (each a variable expression) their initial values.
    Declare(Vec<(Expr, Expr)>),
}

/// One statement the runner executes: its source and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// 1-based line of its first token.
    pub line: u32,
    /// 1-based column of its first token.
    pub col: u32,
    /// Its source text.
    pub text: String,
    /// What it does.
    pub action: Action,
}

/// The flat code of a program: loops become jumps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Instr {
    /// Run a statement.
    Run(Statement),
    /// Evaluate a loop condition; when it is false (0), continue at `target`.
    JumpUnless {
        /// The condition.
        cond: Statement,
        /// Where the loop ends.
        target: usize,
    },
    /// Evaluate a `do … while` condition; when it is true (not 0), continue at `target`.
    JumpIf {
        /// The condition.
        cond: Statement,
        /// The top of the loop.
        target: usize,
    },
    /// Continue at an index (the end of a loop body goes back to its condition).
    Jump(usize),
    /// Evaluate a switch value and continue at its case, else at `default`.
    Switch {
        /// The value.
        value: Statement,
        /// Case values and where each starts.
        cases: Vec<(u64, usize)>,
        /// Where `default:` starts (or the end of the switch).
        default: usize,
    },
    /// Enter a `__try` block: its handler is active until [`Instr::TryExit`].
    TryEnter(Handler),
    /// The `__try` block ended normally: its handler is no longer active. A `__finally`
    /// block follows at once.
    TryExit,
    /// The end of a `__finally` block: go on with what was interrupted (an unwind, a
    /// `break`, a `return`), or with the next statement.
    EndFinally,
    /// `break`, `continue` or `__leave` out of `__try` blocks: leave the blocks entered
    /// since there were `depth` of them (running their `__finally` blocks), then go to
    /// `target`.
    Leave {
        /// How many `__try` blocks stay entered.
        depth: usize,
        /// Where to go then.
        target: usize,
    },
    /// `return value;`: evaluate it (a statement of its own), leave every `__try` block
    /// of the function, and return. At the top level it ends the program.
    Return(Option<Statement>),
}

/// The handler of a `__try` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handler {
    /// `__except (filter)`: the filter's value decides; the handler starts at `handler`.
    Except {
        /// The filter expression.
        filter: Expr,
        /// Where the `__except` block starts.
        handler: usize,
    },
    /// `__finally`: the block at `block` runs however the `__try` block is left.
    Finally {
        /// Where the `__finally` block starts.
        block: usize,
    },
}
