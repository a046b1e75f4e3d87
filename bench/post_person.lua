-- wrk script: each request adds one synthetic person through the API (bench/server_load.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ATHAR_TOKEN")
wrk.body = '{"fields":{"role":"victim","given_name_lat":"Writer","family_name_lat":"al-Bench",' ..
           '"notes":"SYNTHETIC load test"}}'
wrk.path = "/api/persons"
