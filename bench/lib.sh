# Helpers shared by bench/run and bench/soak.

# JSON field of standard input (python3 is on every machine this runs on).
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print(v$1)"; }

signin() { # username password -> access token (changes a first password to "$2 b")
  local base=$1 user=$2 pw=$3 t res
  res=$(curl -s --cacert "$CA" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"$pw\"}" "$base/api/v1/auth/login")
  if [[ $res != *access_token* ]]; then # already changed by an earlier run (--reuse)
    pw="$pw b"
    res=$(curl -s --cacert "$CA" -H 'Content-Type: application/json' \
      -d "{\"username\":\"$user\",\"password\":\"$pw\"}" "$base/api/v1/auth/login")
    echo "$res" | json '["access_token"]'
    return
  fi
  t=$(json '["access_token"]' <<<"$res")
  if [[ $(json '["scope"]' <<<"$res") == password_change ]]; then
    curl -sf --cacert "$CA" -H 'Content-Type: application/json' -H "Authorization: Bearer $t" \
      -d "{\"current_password\":\"$pw\",\"new_password\":\"$pw b\"}" "$base/api/v1/me/password" >/dev/null
    res=$(curl -s --cacert "$CA" -H 'Content-Type: application/json' \
      -d "{\"username\":\"$user\",\"password\":\"$pw b\"}" "$base/api/v1/auth/login")
    t=$(json '["access_token"]' <<<"$res")
  fi
  echo "$t"
}

