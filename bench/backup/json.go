package main

import "encoding/json"

type jsonRawMessage = json.RawMessage
