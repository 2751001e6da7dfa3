//! NMODL syntax tree.

/// Position in the file (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line.
    pub line: u32,
    /// Column.
    pub col: u32,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^` (pow)
    Pow,
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
    /// `&&`
    And,
    /// `||`
    Or,
}

/// Expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Number literal.
    Num(f64, Pos),
    /// Variable, optionally indexed.
    Var(String, Option<Box<Expr>>, Pos),
    /// Function call.
    Call(String, Vec<Expr>, Pos),
    /// String literal (printf arguments).
    Str(String, Pos),
    /// Binary operation.
    Bin(BinOp, Box<Expr>, Box<Expr>, Pos),
    /// Unary minus.
    Neg(Box<Expr>, Pos),
    /// Logical not.
    Not(Box<Expr>, Pos),
    /// Parenthesised expression (kept for textual expansions such as `net_send`).
    Paren(Box<Expr>),
}

impl Expr {
    /// Source position.
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Num(_, p)
            | Expr::Var(_, _, p)
            | Expr::Call(_, _, p)
            | Expr::Str(_, p)
            | Expr::Bin(_, _, _, p)
            | Expr::Neg(_, p)
            | Expr::Not(_, p) => *p,
            Expr::Paren(e) => e.pos(),
        }
    }
}

/// Kinetic reaction arrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// `<->`
    Both,
    /// `->`
    Forward,
    /// `<<` (flux into a state)
    Flux,
}

/// A term of a reaction side: stoichiometry and state (maybe indexed).
#[derive(Debug, Clone, PartialEq)]
pub struct ReactTerm {
    /// Coefficient.
    pub coef: u32,
    /// State name.
    pub name: String,
    /// Index.
    pub index: Option<Expr>,
}

/// Statements.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `LOCAL a, b[n]`
    Local(Vec<(String, Option<usize>)>, Pos),
    /// `x = e` or `x[i] = e`
    Assign(String, Option<Expr>, Expr, Pos),
    /// `x' = e`
    Deriv(String, Option<Expr>, Expr, Pos),
    /// Expression statement (a call).
    Expr(Expr, Pos),
    /// `if (c) {…} else …`
    If(Expr, Vec<Stmt>, Vec<Stmt>, Pos),
    /// `while (c) {…}`
    While(Expr, Vec<Stmt>, Pos),
    /// `FROM i = a TO b [BY c] {…}`
    From(String, Expr, Expr, Option<Expr>, Vec<Stmt>, Pos),
    /// `SOLVE name [METHOD m] [STEADYSTATE m]` (+ optional IFERROR block)
    Solve {
        /// Block name.
        name: String,
        /// METHOD.
        method: Option<String>,
        /// STEADYSTATE method.
        steadystate: Option<String>,
        /// Position.
        pos: Pos,
    },
    /// `~ lhs <-> rhs (kf, kb)` and friends.
    Reaction {
        /// Left side.
        lhs: Vec<ReactTerm>,
        /// Arrow.
        arrow: Arrow,
        /// Right side (empty for `<<`).
        rhs: Vec<ReactTerm>,
        /// Forward rate (or flux).
        kf: Expr,
        /// Backward rate.
        kb: Option<Expr>,
        /// Position.
        pos: Pos,
    },
    /// `~ lhs = rhs` in LINEAR/NONLINEAR blocks.
    Equation(Expr, Expr, Pos),
    /// `CONSERVE a + b = e`
    Conserve(Expr, Expr, Pos),
    /// `COMPARTMENT …`, `LONGITUDINAL_DIFFUSION …` (not executable yet).
    Unsupported(String, Pos),
    /// `TABLE vars DEPEND deps FROM lo TO hi WITH n`
    Table {
        /// Tabulated variables (empty for a FUNCTION table).
        vars: Vec<String>,
        /// DEPEND names.
        depend: Vec<String>,
        /// FROM.
        lo: Expr,
        /// TO.
        hi: Expr,
        /// WITH.
        n: Expr,
        /// Position.
        pos: Pos,
    },
    /// VERBATIM text.
    Verbatim(String, Pos),
    /// `{ … }`
    Block(Vec<Stmt>, Pos),
    /// `WATCH (cond) flag`
    Watch(Vec<(Expr, Expr)>, Pos),
    /// `FOR_NETCONS(args) {…}`
    ForNetcons(Vec<String>, Vec<Stmt>, Pos),
    /// `INITIAL { … }` inside NET_RECEIVE
    Initial(Vec<Stmt>, Pos),
    /// `PROTECT stmt`
    Protect(Box<Stmt>, Pos),
    /// A statement without run-time effect (UNITSON/OFF, MUTEXLOCK/UNLOCK).
    Nop(Pos),
}

/// Variable declaration in PARAMETER/ASSIGNED/STATE/CONSTANT.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDecl {
    /// Name.
    pub name: String,
    /// Array length.
    pub len: Option<usize>,
    /// Default value.
    pub value: Option<f64>,
    /// Units text.
    pub units: Option<String>,
    /// Position.
    pub pos: Pos,
}

/// USEION statement.
#[derive(Debug, Clone, PartialEq)]
pub struct UseIon {
    /// Ion.
    pub ion: String,
    /// READ list.
    pub read: Vec<String>,
    /// WRITE list.
    pub write: Vec<String>,
    /// VALENCE.
    pub valence: Option<f64>,
    /// Position.
    pub pos: Pos,
}

/// Contents of the NEURON block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NeuronBlock {
    /// SUFFIX / POINT_PROCESS / ARTIFICIAL_CELL with its name.
    pub kind: Option<(String, String, Pos)>,
    /// USEION statements.
    pub useions: Vec<UseIon>,
    /// NONSPECIFIC_CURRENT names.
    pub nonspecific: Vec<String>,
    /// ELECTRODE_CURRENT names.
    pub electrode: Vec<String>,
    /// Currents in order of declaration (for summation order).
    pub current_order: Vec<String>,
    /// RANGE names.
    pub range: Vec<String>,
    /// GLOBAL names.
    pub global: Vec<String>,
    /// POINTER / BBCOREPOINTER names.
    pub pointer: Vec<(String, Pos)>,
    /// EXTERNAL names.
    pub external: Vec<String>,
    /// THREADSAFE present.
    pub threadsafe: bool,
}

/// Unit definitions: `FARADAY = (faraday) (coulombs)`, `(mV) = (millivolt)`, `x = 96485 (C)`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitConst {
    /// Name.
    pub name: String,
    /// Either a literal value or a pair of unit texts.
    pub value: Option<f64>,
    /// Unit texts (`faraday`, `coulombs`).
    pub units: Vec<String>,
    /// Position.
    pub pos: Pos,
}

/// A callable block (PROCEDURE, FUNCTION, DERIVATIVE, KINETIC, LINEAR, NONLINEAR, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Callable {
    /// Name.
    pub name: String,
    /// Argument names.
    pub args: Vec<String>,
    /// Body.
    pub body: Vec<Stmt>,
    /// Position.
    pub pos: Pos,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    /// TITLE.
    pub title: Option<String>,
    /// NEURON block (merged if several).
    pub neuron: NeuronBlock,
    /// Unit constants.
    pub units: Vec<UnitConst>,
    /// PARAMETER declarations.
    pub parameters: Vec<VarDecl>,
    /// ASSIGNED declarations.
    pub assigned: Vec<VarDecl>,
    /// STATE declarations.
    pub states: Vec<VarDecl>,
    /// CONSTANT declarations.
    pub constants: Vec<VarDecl>,
    /// Top-level LOCAL declarations.
    pub locals: Vec<(String, Option<usize>)>,
    /// BREAKPOINT body.
    pub breakpoint: Option<(Vec<Stmt>, Pos)>,
    /// INITIAL body.
    pub initial: Option<(Vec<Stmt>, Pos)>,
    /// PROCEDUREs.
    pub procedures: Vec<Callable>,
    /// FUNCTIONs.
    pub functions: Vec<Callable>,
    /// DERIVATIVE blocks.
    pub derivatives: Vec<Callable>,
    /// KINETIC blocks.
    pub kinetics: Vec<Callable>,
    /// LINEAR blocks.
    pub linears: Vec<Callable>,
    /// NONLINEAR blocks.
    pub nonlinears: Vec<Callable>,
    /// NET_RECEIVE.
    pub net_receive: Option<Callable>,
    /// Top-level VERBATIM blocks.
    pub verbatims: Vec<(String, Pos)>,
    /// Other blocks that parse but are not executable (name, position).
    pub other_blocks: Vec<(String, Pos)>,
    /// FUNCTION_TABLE declarations.
    pub function_tables: Vec<Callable>,
}
