//! Compiles csrc/ldouble.c: INCRBYFLOAT must add in the C `long double`
//! and print with the C library, as Redis does (see that file).

fn main() {
    println!("cargo:rerun-if-changed=csrc/ldouble.c");
    cc::Build::new()
        .file("csrc/ldouble.c")
        .warnings(true)
        .compile("ferrodis_ldouble");
}
