//! Checking calls: the function exists, the argument count, out-parameters
//! (`&old`, `&mbi`), `printf` formats against their values, and constant byte counts.

use super::{constant, Checker};
use crate::script::ast::{Expr, ExprKind};
use crate::script::builtins::{self, Builtin, Signature};
use crate::script::printf;
use crate::script::suggest;
use crate::script::types::Ty;

impl Checker<'_> {
    /// An out-parameter `&name`: the variable, created with `ty` when it does not exist.
    fn out_param(&mut self, arg: &mut Expr, ty: Ty, what: &str) -> bool {
        let ExprKind::AddrOf(inner) = &mut arg.kind else {
            return false;
        };
        let ExprKind::Name(name) = &inner.kind else {
            let message = format!("{what} must be &variable");
            self.err(arg, message);
            return true;
        };
        let name = name.clone();
        let var = match self.lookup(&name) {
            Some(var) => var,
            None if constant(&name).is_some() => {
                let message = format!("'{name}' is a constant; {what} must be &variable");
                self.err(arg, message);
                return true;
            }
            None => self.declare(&name, ty.clone()),
        };
        let slot_ty = self.var_type(&var);
        let fits = match ty {
            Ty::Mbi | Ty::Record(_) => slot_ty == ty,
            _ => matches!(slot_ty, Ty::Int { .. }),
        };
        if !fits {
            let message =
                format!("{what} must be &variable of type {ty}, but '{name}' is {slot_ty}");
            self.errors.at(inner.line, inner.col, message);
        }
        inner.kind = var;
        inner.ty = slot_ty;
        arg.ty = Ty::Ptr(Box::new(ty));
        true
    }

    pub(super) fn call(&mut self, e: &mut Expr) -> Ty {
        let (line, col) = (e.line, e.col);
        let ExprKind::Call {
            name,
            builtin,
            function,
            args,
        } = &mut e.kind
        else {
            return Ty::LONG_LONG;
        };
        if let Some(index) = self.function_index(name) {
            *function = Some(index);
            let (params, returns) = {
                let f = &self.functions[index];
                (f.params.clone(), f.returns.clone())
            };
            if params.len() != args.len() {
                let message = format!(
                    "{name} takes {} argument{} but got {}",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                    args.len()
                );
                self.errors.at(line, col, message);
            }
            for (i, arg) in args.iter_mut().enumerate() {
                self.expr(arg);
                let takes_string = matches!(params.get(i), Some(Ty::Ptr(_))) && arg.ty == Ty::Str;
                let takes_record = params.get(i) == Some(&arg.ty);
                if !takes_string && !takes_record {
                    self.scalar(arg, &format!("argument {} of {name}", i + 1));
                }
            }
            return returns;
        }
        // `TEXT("…")` and `_T("…")` of Windows samples are the string itself.
        if matches!(name.as_str(), "TEXT" | "_T") && args.len() == 1 {
            if let ExprKind::Str(bytes) = &mut args[0].kind {
                let bytes = std::mem::take(bytes);
                e.kind = ExprKind::Str(bytes);
                return Ty::Str;
            }
        }
        let Some(sig) = Signature::find(name) else {
            let names = builtins::names();
            let message = match suggest::closest(name, &names) {
                Some(c) => format!("unknown function '{name}' — did you mean '{c}'?"),
                None => format!(
                    "unknown function '{name}'; scripts can call {}",
                    names.join(", ")
                ),
            };
            self.errors.at(line, col, message);
            for a in args.iter_mut() {
                if !matches!(a.kind, ExprKind::AddrOf(_)) {
                    self.expr(a);
                }
            }
            return Ty::LONG_LONG;
        };
        *builtin = Some(sig.builtin);
        if let Some(message) = sig.arity_error(args.len()) {
            self.errors.at(line, col, message);
            return sig.builtin.returns().unwrap_or(Ty::Void);
        }
        // Where the exception functions may be called, as the MSVC compiler requires.
        match sig.builtin {
            Builtin::GetExceptionCode if self.flow.in_except == 0 => {
                self.errors.at(
                    line,
                    col,
                    "GetExceptionCode() can only be called in an __except filter or handler",
                );
            }
            Builtin::GetExceptionInformation if !self.flow.in_filter => {
                self.errors.at(line, col, "GetExceptionInformation() can only be called in an __except filter (pass it to a filter function)");
            }
            _ => {}
        }
        let name = sig.name;
        for (i, arg) in args.iter_mut().enumerate() {
            let position = i + 1;
            match (sig.builtin, position) {
                (Builtin::VirtualProtect, 4) => {
                    if !self.out_param(
                        arg,
                        Ty::DWORD,
                        "VirtualProtect's 4th argument (the old protection)",
                    ) {
                        self.expr(arg);
                        if !matches!(arg.kind, ExprKind::Int(0)) {
                            self.err(arg, "VirtualProtect's 4th argument must be &variable (a DWORD that receives the old protection) or NULL");
                        }
                    }
                }
                (Builtin::ReadFile | Builtin::WriteFile, 4)
                | (Builtin::GetFileSize, 2)
                | (Builtin::SetFilePointer, 3) => {
                    let what = format!("argument {position} of {name}");
                    if !self.out_param(arg, Ty::DWORD, &what) {
                        self.expr(arg);
                        if !matches!(arg.kind, ExprKind::Int(0)) {
                            self.err(arg, format!("{what} must be &variable (a DWORD) or NULL"));
                        }
                    }
                }
                (Builtin::GetProcessWorkingSetSize, 2 | 3) => {
                    if !self.out_param(arg, Ty::SIZE_T, "GetProcessWorkingSetSize's size") {
                        self.expr(arg);
                        self.err(arg, "GetProcessWorkingSetSize's 2nd and 3rd arguments must be &variable (a SIZE_T that receives the size)");
                    }
                }
                (Builtin::VirtualQuery, 2) => {
                    if !self.out_param(arg, Ty::Mbi, "VirtualQuery's 2nd argument") {
                        self.expr(arg);
                        self.err(arg, "VirtualQuery's 2nd argument must be &mbi, the address of a MEMORY_BASIC_INFORMATION");
                    }
                }
                (Builtin::GetSystemInfo, 1) => {
                    if !self.out_param(
                        arg,
                        Ty::Record(crate::script::types::Record::SystemInfo),
                        "GetSystemInfo's argument",
                    ) {
                        self.expr(arg);
                        self.err(
                            arg,
                            "GetSystemInfo's argument must be &si, the address of a SYSTEM_INFO",
                        );
                    }
                }
                (Builtin::Printf, 1) => {
                    self.expr(arg);
                    if !matches!(arg.kind, ExprKind::Str(_)) {
                        self.err(
                            arg,
                            "printf's first argument must be a format string in double quotes",
                        );
                    }
                }
                // A string or a number: a name, text to print, a source to copy.
                (Builtin::Puts | Builtin::Strlen, 1)
                | (Builtin::Strcpy, 2)
                | (Builtin::MessageBox, 2 | 3)
                | (Builtin::CreateFileMapping, 6)
                | (Builtin::OpenFileMapping, 3)
                | (Builtin::CreateFile | Builtin::DeleteFile, 1)
                | (Builtin::WriteFile, 2)
                | (Builtin::GetModuleHandle, 1)
                | (
                    Builtin::Memmove | Builtin::Memcpy | Builtin::CopyMemory | Builtin::MoveMemory,
                    2,
                )
                | (Builtin::Printf, _) => {
                    self.expr(arg);
                    if arg.ty != Ty::Str {
                        self.scalar(arg, &format!("argument {position} of {name}"));
                    }
                }
                (Builtin::Write, 2) => {
                    self.expr(arg);
                    if arg.ty != Ty::Str {
                        self.scalar(arg, "write's data");
                    }
                }
                _ => {
                    self.expr(arg);
                    self.scalar(arg, &format!("argument {position} of {name}"));
                }
            }
        }
        match sig.builtin {
            Builtin::Printf => self.check_printf(args),
            Builtin::Write if args.len() == 2 && args[1].ty != Ty::Str => {
                self.err(&args[1], "write(address, value) needs a byte count: write(address, value, n), or a string: write(address, \"bytes\")");
            }
            Builtin::Read => self.check_count(&args[1], "read"),
            Builtin::Write if args.len() == 3 && args[1].ty != Ty::Str => {
                self.check_count(&args[2], "write")
            }
            _ => {}
        }
        sig.builtin.returns().unwrap_or(Ty::Void)
    }

    /// A constant byte count of `read`/`write` must be 1 to 8.
    fn check_count(&mut self, n: &Expr, name: &str) {
        if let ExprKind::Int(v) = n.kind {
            if !(1..=8).contains(&v) {
                self.err(
                    n,
                    format!("{name} moves 1 to 8 bytes, but the count is {}", v as i64),
                );
            }
        }
    }

    fn check_printf(&mut self, args: &[Expr]) {
        let Some(fmt) = args.first() else { return };
        let ExprKind::Str(bytes) = &fmt.kind else {
            return;
        };
        let specs = match printf::parse_format(bytes) {
            Ok(specs) => specs,
            Err(message) => {
                self.err(fmt, message);
                return;
            }
        };
        let values = &args[1..];
        if specs.len() != values.len() {
            let message = format!(
                "printf's format uses {} value{} but got {}",
                specs.len(),
                if specs.len() == 1 { "" } else { "s" },
                values.len()
            );
            self.err(fmt, message);
            return;
        }
        for (spec, value) in specs.iter().zip(values) {
            if value.ty == Ty::Str && spec.conv != b's' {
                let message = format!(
                    "%{} needs a number, but this is a string",
                    spec.conv as char
                );
                self.err(value, message);
            }
        }
    }
}
