// The JOSE RFCs' published example keys and signatures, shared by the
// jose tests (known-answer tests against them, and realistic fixed keys).
#ifndef CREDITBANK_DOMAIN_JOSE_RFC_TEST_VECTORS_H_
#define CREDITBANK_DOMAIN_JOSE_RFC_TEST_VECTORS_H_

namespace creditbank::domain::jose::rfc {

// RFC 7515 Appendix A.3: an ES256 JWS and its key (A.3.1).
inline constexpr char kRfc7515X[] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
inline constexpr char kRfc7515Y[] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
inline constexpr char kRfc7515D[] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
inline constexpr char kRfc7515Jws[] =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// RFC 8037 Appendix A.1 (private seed), A.2 (public key), A.4 (the JWS):
// the Ed25519 key of RFC 8032's test 1.
inline constexpr char kRfc8037D[] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
inline constexpr char kRfc8037X[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
inline constexpr char kRfc8037Payload[] = "Example of Ed25519 signing";
inline constexpr char kRfc8037Jws[] =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

}  // namespace creditbank::domain::jose::rfc

#endif  // CREDITBANK_DOMAIN_JOSE_RFC_TEST_VECTORS_H_
