//! Functions with several return values, encoded as Solidity encodes them.
//!
//! stylus-sdk 0.9 encodes a returned tuple as one tuple value, so a tuple holding a string or
//! an array gets an extra leading offset word that no ABI decoder expects (stylus-sdk-rs issue
//! #308, fixed only in 0.10, which OpenZeppelin's 0.3 contracts cannot use). A public function
//! returns [`Outputs`] or [`TryOutputs`] instead: in the contract (wasm32) they encode the
//! values as a parameter list; natively (unit tests, `export-abi`) they are the plain tuple
//! and `Result`, so tests and the exported ABI see ordinary Rust types.

#[cfg(target_arch = "wasm32")]
mod contract {
    use alloc::vec::Vec;

    use alloy_sol_types::{abi::TokenSeq, private::SolTypeValue, SolType};
    use stylus_sdk::{
        abi::{internal::EncodableReturnType, AbiType},
        ArbResult,
    };

    /// Several return values that cannot fail.
    pub struct Outputs<T>(pub T);

    /// Several return values, or the function's error.
    pub struct TryOutputs<T, E>(pub Result<T, E>);

    fn encode<T>(values: &T) -> Vec<u8>
    where
        T: AbiType + SolTypeValue<T::SolType>,
        for<'a> <T::SolType as SolType>::Token<'a>: TokenSeq<'a>,
    {
        T::SolType::abi_encode_params(values)
    }

    impl<T> EncodableReturnType for Outputs<T>
    where
        T: AbiType + SolTypeValue<T::SolType>,
        for<'a> <T::SolType as SolType>::Token<'a>: TokenSeq<'a>,
    {
        fn encode(self) -> ArbResult {
            Ok(encode(&self.0))
        }
    }

    impl<T, E: Into<Vec<u8>>> EncodableReturnType for TryOutputs<T, E>
    where
        T: AbiType + SolTypeValue<T::SolType>,
        for<'a> <T::SolType as SolType>::Token<'a>: TokenSeq<'a>,
    {
        fn encode(self) -> ArbResult {
            match self.0 {
                Ok(values) => Ok(encode(&values)),
                Err(error) => Err(error.into()),
            }
        }
    }

    pub fn outputs<T>(values: T) -> Outputs<T> {
        Outputs(values)
    }

    pub fn try_outputs<T, E>(result: Result<T, E>) -> TryOutputs<T, E> {
        TryOutputs(result)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod contract {
    /// Several return values that cannot fail (natively: the tuple itself).
    pub type Outputs<T> = T;

    /// Several return values, or the function's error (natively: the `Result` itself).
    pub type TryOutputs<T, E> = Result<T, E>;

    pub fn outputs<T>(values: T) -> Outputs<T> {
        values
    }

    pub fn try_outputs<T, E>(result: Result<T, E>) -> TryOutputs<T, E> {
        result
    }
}

pub use contract::{outputs, try_outputs, Outputs, TryOutputs};
