"""Compares /app/exceptions.csv with the exceptions known to be in the logs."""
import csv
from pathlib import Path

import pytest

OUT = Path("/app/exceptions.csv")
HEADER = ["timestamp", "file", "level", "logger", "exception", "message", "root_cause", "origin"]

# timestamp, file, level, logger, exception, message, root_cause, origin
EXPECTED = [
    ["2024-06-10T09:01:14.715", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.net.SocketException", "com.acme.gateway.auth.TokenFilter.doFilter:295"],
    ["2024-06-10T09:03:32.658", "billing.log.1.gz", "WARN", "com.acme.billing.InvoiceJob", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.net.SocketException", "com.acme.gateway.auth.TokenFilter.doFilter:91"],
    ["2024-06-10T09:04:10.519", "billing.log.1.gz", "ERROR", "com.acme.billing.InvoiceJob", "java.lang.NullPointerException", "", "java.io.FileNotFoundException", "com.acme.gateway.Router.dispatch:359"],
    ["2024-06-10T09:16:20.861", "billing.log.1.gz", "ERROR", "com.acme.billing.InvoiceJob", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.gateway.Router.dispatch:378"],
    ["2024-06-10T09:17:46.211", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "com.acme.billing.PaymentDeclinedException", "Card declined, code=51, retry=false details: see runbook section 4.2", "java.net.SocketTimeoutException", "com.acme.gateway.Router.dispatch:93"],
    ["2024-06-10T09:22:39.929", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.lang.IllegalStateException", "com.acme.billing.ledger.LedgerClient.post:361"],
    ["2024-06-10T09:24:42.960", "billing.log.1.gz", "ERROR", "com.acme.billing.api.InvoiceController", "java.lang.IllegalStateException", "Connection pool closed", "java.net.SocketTimeoutException", "com.acme.billing.InvoiceJob.run:364"],
    ["2024-06-10T09:28:00.537", "billing.log.1.gz", "WARN", "com.acme.billing.PaymentSync", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.InvoiceJob.run:387"],
    ["2024-06-10T09:39:37.142", "billing.log.1.gz", "ERROR", "com.acme.billing.InvoiceJob", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.net.SocketException", "com.acme.gateway.auth.TokenFilter.doFilter:229"],
    ["2024-06-10T09:47:12.656", "billing.log.1.gz", "ERROR", "com.acme.billing.api.InvoiceController", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.net.SocketException", "com.acme.gateway.Router.dispatch:242"],
    ["2024-06-10T10:04:03.741", "billing.log.1.gz", "ERROR", "com.acme.billing.InvoiceJob", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.InvoiceJob.run:169"],
    ["2024-06-10T10:30:05.383", "billing.log.1.gz", "ERROR", "com.acme.billing.InvoiceJob", "java.lang.IllegalStateException", "", "java.net.SocketException", "com.acme.gateway.Router.dispatch:78"],
    ["2024-06-10T10:32:28.496", "billing.log.1.gz", "WARN", "com.acme.billing.InvoiceJob", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.io.FileNotFoundException", "com.acme.gateway.Router.dispatch:57"],
    ["2024-06-10T10:34:55.382", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk] details: see runbook section 4.2", "org.springframework.dao.DataIntegrityViolationException", "com.acme.billing.InvoiceJob.run:175"],
    ["2024-06-10T10:45:56.972", "billing.log.1.gz", "WARN", "com.acme.billing.InvoiceJob", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.io.FileNotFoundException", "com.acme.gateway.auth.TokenFilter.doFilter:180"],
    ["2024-06-10T10:47:24.632", "billing.log.1.gz", "ERROR", "com.acme.billing.api.InvoiceController", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.io.UncheckedIOException", ""],
    ["2024-06-10T10:53:38.295", "billing.log.1.gz", "ERROR", "com.acme.billing.InvoiceJob", "java.lang.IllegalStateException", "Connection pool closed", "java.lang.IllegalStateException", "com.acme.billing.render.TemplateStore.get:118"],
    ["2024-06-10T10:56:52.152", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk] details: see runbook section 4.2", "org.springframework.dao.DataIntegrityViolationException", "com.acme.billing.render.TemplateStore.get:180"],
    ["2024-06-10T10:56:53.760", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.io.UncheckedIOException", ""],
    ["2024-06-10T11:04:47.413", "billing.log.1.gz", "WARN", "com.acme.billing.InvoiceJob", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "java.net.SocketException", "com.acme.billing.PaymentSync.sync:71"],
    ["2024-06-10T11:08:59.604", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "org.springframework.dao.DataIntegrityViolationException", ""],
    ["2024-06-10T11:18:56.408", "billing.log.1.gz", "ERROR", "com.acme.billing.InvoiceJob", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "org.springframework.dao.DataIntegrityViolationException", ""],
    ["2024-06-10T11:25:01.948", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.net.SocketException", "com.acme.gateway.auth.TokenFilter.doFilter:112"],
    ["2024-06-10T11:56:24.654", "billing.log.1.gz", "ERROR", "com.acme.billing.api.InvoiceController", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.net.SocketTimeoutException", "com.acme.billing.PaymentSync.sync:94"],
    ["2024-06-10T12:07:47.774", "billing.log.1.gz", "ERROR", "com.acme.billing.InvoiceJob", "java.lang.IllegalStateException", "Connection pool closed", "java.net.SocketException", "com.acme.billing.ledger.LedgerClient.post:236"],
    ["2024-06-10T12:13:11.854", "billing.log.1.gz", "ERROR", "com.acme.billing.PaymentSync", "java.lang.NullPointerException", "Cannot invoke \"com.acme.billing.Customer.getVatId()\" because \"customer\" is null", "java.net.SocketException", "com.acme.billing.ledger.LedgerClient.post:33"],
    ["2024-06-10T12:14:11.748", "billing.log.1.gz", "WARN", "com.acme.billing.api.InvoiceController", "java.lang.NullPointerException", "Cannot invoke \"com.acme.billing.Customer.getVatId()\" because \"customer\" is null", "java.lang.NullPointerException", "com.acme.gateway.auth.TokenFilter.doFilter:271"],
    ["2024-06-11T09:04:08.663", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "java.lang.NullPointerException", "Cannot invoke \"com.acme.billing.Customer.getVatId()\" because \"customer\" is null", "java.lang.NullPointerException", ""],
    ["2024-06-11T09:04:52.125", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "org.springframework.dao.DataIntegrityViolationException", "com.acme.billing.PaymentSync.sync:263"],
    ["2024-06-11T09:12:03.796", "gateway.log", "ERROR", "org.eclipse.jetty.server.HttpChannel", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.net.SocketException", "com.acme.billing.InvoiceJob.run:395"],
    ["2024-06-11T09:12:29.058", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "com.acme.billing.PaymentDeclinedException", "Card declined, code=51, retry=false", "java.net.SocketTimeoutException", "com.acme.billing.render.TemplateStore.get:276"],
    ["2024-06-11T09:13:18.652", "gateway.log", "WARN", "com.acme.gateway.Router", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset details: see runbook section 4.2", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.render.TemplateStore.get:185"],
    ["2024-06-11T09:17:09.691", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.net.SocketException", "com.acme.billing.InvoiceJob.run:265"],
    ["2024-06-11T09:17:26.552", "gateway.log", "WARN", "com.acme.gateway.auth.TokenFilter", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk] details: see runbook section 4.2", "org.springframework.dao.DataIntegrityViolationException", "com.acme.billing.ledger.LedgerClient.post:136"],
    ["2024-06-11T09:20:52.461", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.net.SocketTimeoutException", "com.acme.billing.render.TemplateStore.get:147"],
    ["2024-06-11T09:30:25.406", "gateway.log", "ERROR", "com.acme.gateway.Router", "java.lang.IllegalStateException", "Connection pool closed", "java.lang.IllegalStateException", ""],
    ["2024-06-11T09:38:19.699", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.net.SocketException", "com.acme.gateway.auth.TokenFilter.doFilter:72"],
    ["2024-06-11T09:40:15.870", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.io.FileNotFoundException", "com.acme.billing.render.TemplateStore.get:82"],
    ["2024-06-11T09:45:36.230", "billing.log", "ERROR", "com.acme.billing.InvoiceJob", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.io.UncheckedIOException", "com.acme.billing.render.TemplateStore.get:131"],
    ["2024-06-11T09:46:41.716", "gateway.log", "ERROR", "com.acme.gateway.Router", "java.lang.NullPointerException", "Cannot invoke \"com.acme.billing.Customer.getVatId()\" because \"customer\" is null", "java.net.SocketException", ""],
    ["2024-06-11T09:49:53.569", "gateway.log", "ERROR", "org.eclipse.jetty.server.HttpChannel", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger details: see runbook section 4.2", "java.util.concurrent.TimeoutException", "com.acme.billing.ledger.LedgerClient.post:58"],
    ["2024-06-11T09:51:28.650", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.io.FileNotFoundException", "com.acme.billing.render.TemplateStore.get:208"],
    ["2024-06-11T09:54:52.615", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.util.concurrent.TimeoutException", ""],
    ["2024-06-11T10:00:20.701", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.lang.IllegalStateException", "", "java.lang.IllegalStateException", "com.acme.billing.ledger.LedgerClient.post:150"],
    ["2024-06-11T10:03:31.406", "gateway.log", "ERROR", "com.acme.gateway.Router", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "com.acme.billing.PaymentDeclinedException", ""],
    ["2024-06-11T10:10:05.993", "billing.log", "ERROR", "com.acme.billing.InvoiceJob", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "org.springframework.dao.DataIntegrityViolationException", "com.acme.billing.ledger.LedgerClient.post:144"],
    ["2024-06-11T10:11:46.277", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "com.acme.billing.PaymentDeclinedException", "Card declined, code=51, retry=false", "com.acme.billing.PaymentDeclinedException", "com.acme.gateway.Router.dispatch:174"],
    ["2024-06-11T10:16:38.328", "billing.log", "ERROR", "com.acme.billing.InvoiceJob", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "java.net.SocketException", "com.acme.billing.PaymentSync.sync:111"],
    ["2024-06-11T10:18:06.341", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "java.net.SocketException", "com.acme.billing.PaymentSync.sync:118"],
    ["2024-06-11T10:21:29.199", "billing.log", "ERROR", "com.acme.billing.InvoiceJob", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.net.SocketException", "com.acme.billing.ledger.LedgerClient.post:109"],
    ["2024-06-11T10:29:45.090", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.lang.IllegalStateException", "", "java.net.SocketException", "com.acme.billing.ledger.LedgerClient.post:127"],
    ["2024-06-11T10:30:11.765", "gateway.log", "ERROR", "com.acme.gateway.Router", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.PaymentSync.sync:247"],
    ["2024-06-11T10:31:03.428", "gateway.log", "ERROR", "org.eclipse.jetty.server.HttpChannel", "java.lang.NullPointerException", "Cannot invoke \"com.acme.billing.Customer.getVatId()\" because \"customer\" is null", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.gateway.Router.dispatch:100"],
    ["2024-06-11T10:38:26.154", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.gateway.auth.TokenFilter.doFilter:396"],
    ["2024-06-11T10:40:09.429", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "org.springframework.dao.DataIntegrityViolationException", "com.acme.gateway.Router.dispatch:93"],
    ["2024-06-11T10:40:40.043", "billing.log", "ERROR", "com.acme.billing.InvoiceJob", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "java.net.SocketTimeoutException", "com.acme.billing.ledger.LedgerClient.post:58"],
    ["2024-06-11T10:48:02.602", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "java.net.SocketTimeoutException", "com.acme.billing.PaymentSync.sync:263"],
    ["2024-06-11T10:48:18.684", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "org.springframework.dao.DataIntegrityViolationException", "com.acme.billing.PaymentSync.sync:159"],
    ["2024-06-11T10:54:39.022", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "com.acme.billing.PaymentDeclinedException", "com.acme.gateway.auth.TokenFilter.doFilter:63"],
    ["2024-06-11T10:56:34.785", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.ledger.LedgerClient.post:152"],
    ["2024-06-11T10:58:55.483", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.net.SocketTimeoutException", "com.acme.gateway.auth.TokenFilter.doFilter:119"],
    ["2024-06-11T11:02:45.002", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.io.FileNotFoundException", "com.acme.billing.InvoiceJob.run:305"],
    ["2024-06-11T11:03:53.722", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "org.springframework.dao.DataIntegrityViolationException", "com.acme.billing.PaymentSync.sync:187"],
    ["2024-06-11T11:06:12.423", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.util.concurrent.TimeoutException", "com.acme.billing.InvoiceJob.run:391"],
    ["2024-06-11T11:08:53.226", "billing.log", "ERROR", "com.acme.billing.InvoiceJob", "java.lang.NullPointerException", "", "java.lang.NullPointerException", "com.acme.billing.ledger.LedgerClient.post:114"],
    ["2024-06-11T11:12:11.276", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.lang.IllegalStateException", "com.acme.billing.InvoiceJob.run:311"],
    ["2024-06-11T11:13:18.312", "billing.log", "WARN", "com.acme.billing.InvoiceJob", "java.lang.IllegalStateException", "Template missing: invoice_v2", "java.lang.IllegalStateException", "com.acme.gateway.auth.TokenFilter.doFilter:187"],
    ["2024-06-11T11:15:12.888", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "com.acme.billing.PaymentDeclinedException", "Card declined, code=51, retry=false", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.ledger.LedgerClient.post:131"],
    ["2024-06-11T11:17:41.217", "billing.log", "ERROR", "com.acme.billing.InvoiceJob", "java.lang.NullPointerException", "", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.gateway.auth.TokenFilter.doFilter:376"],
    ["2024-06-11T11:22:09.288", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.lang.NullPointerException", "Cannot invoke \"com.acme.billing.Customer.getVatId()\" because \"customer\" is null", "java.lang.NullPointerException", "com.acme.gateway.auth.TokenFilter.doFilter:312"],
    ["2024-06-11T11:23:29.849", "gateway.log", "WARN", "com.acme.gateway.Router", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.PaymentSync.sync:167"],
    ["2024-06-11T11:25:42.503", "gateway.log", "ERROR", "org.eclipse.jetty.server.HttpChannel", "java.lang.IllegalStateException", "Connection pool closed", "java.io.FileNotFoundException", "com.acme.gateway.auth.TokenFilter.doFilter:63"],
    ["2024-06-11T11:28:30.361", "gateway.log", "ERROR", "org.eclipse.jetty.server.HttpChannel", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.io.UncheckedIOException", "com.acme.gateway.auth.TokenFilter.doFilter:342"],
    ["2024-06-11T11:29:30.559", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "com.acme.billing.PaymentDeclinedException", "Card declined, code=51, retry=false", "com.acme.billing.PaymentDeclinedException", "com.acme.billing.ledger.LedgerClient.post:294"],
    ["2024-06-11T11:31:28.349", "gateway.log", "ERROR", "com.acme.gateway.Router", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.net.SocketException", "com.acme.gateway.auth.TokenFilter.doFilter:109"],
    ["2024-06-11T11:32:13.474", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.lang.NullPointerException", "", "java.lang.NullPointerException", "com.acme.gateway.Router.dispatch:96"],
    ["2024-06-11T11:34:01.404", "gateway.log", "ERROR", "org.eclipse.jetty.server.HttpChannel", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.net.SocketException", "com.acme.billing.render.TemplateStore.get:129"],
    ["2024-06-11T11:34:37.559", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.lang.IllegalStateException", "Connection pool closed", "java.net.SocketTimeoutException", "com.acme.gateway.auth.TokenFilter.doFilter:371"],
    ["2024-06-11T11:36:01.955", "billing.log", "WARN", "com.acme.billing.InvoiceJob", "com.acme.billing.PaymentDeclinedException", "Card declined, code=51, retry=false", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.InvoiceJob.run:276"],
    ["2024-06-11T11:36:13.037", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.io.FileNotFoundException", "com.acme.billing.render.TemplateStore.get:256"],
    ["2024-06-11T11:38:49.764", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "com.acme.billing.PaymentDeclinedException", "Insufficient funds; amount=129.90 EUR", "java.sql.SQLIntegrityConstraintViolationException", "com.acme.billing.ledger.LedgerClient.post:119"],
    ["2024-06-11T11:45:00.442", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.net.SocketException", "com.acme.billing.ledger.LedgerClient.post:346"],
    ["2024-06-11T11:46:18.101", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.lang.NullPointerException", "Cannot invoke \"com.acme.billing.Customer.getVatId()\" because \"customer\" is null", "java.net.SocketException", "com.acme.gateway.Router.dispatch:79"],
    ["2024-06-11T11:47:31.336", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; constraint [invoice_number_uk]", "java.net.SocketTimeoutException", "com.acme.billing.ledger.LedgerClient.post:149"],
    ["2024-06-11T11:47:39.961", "gateway.log", "ERROR", "org.eclipse.jetty.server.HttpChannel", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset details: see runbook section 4.2", "java.net.SocketTimeoutException", "com.acme.billing.ledger.LedgerClient.post:326"],
    ["2024-06-11T11:48:45.799", "gateway.log", "ERROR", "com.acme.gateway.auth.TokenFilter", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.net.SocketTimeoutException", "com.acme.gateway.Router.dispatch:329"],
    ["2024-06-11T11:49:07.623", "billing.log", "ERROR", "com.acme.billing.api.InvoiceController", "java.util.concurrent.TimeoutException", "Timed out after 30000 ms waiting for ledger", "java.net.SocketException", "com.acme.billing.InvoiceJob.run:80"],
    ["2024-06-11T11:54:20.851", "billing.log", "ERROR", "com.acme.billing.InvoiceJob", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.io.UncheckedIOException", "com.acme.gateway.auth.TokenFilter.doFilter:126"],
    ["2024-06-11T12:01:02.084", "billing.log", "ERROR", "com.acme.billing.PaymentSync", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.io.UncheckedIOException", ""],
    ["2024-06-11T12:10:57.284", "billing.log", "WARN", "com.acme.billing.InvoiceJob", "java.io.UncheckedIOException", "java.net.SocketException: Connection reset", "java.io.UncheckedIOException", "com.acme.billing.PaymentSync.sync:242"],
]


@pytest.fixture(scope="module")
def table():
    assert OUT.is_file(), "/app/exceptions.csv was not written"
    with OUT.open(newline="") as fh:
        return list(csv.reader(fh))


def test_header(table):
    assert table[0] == HEADER


def test_one_row_per_exception(table):
    got = [(r[0], r[1]) for r in table[1:]]
    assert sorted(got) == sorted((r[0], r[1]) for r in EXPECTED)


def test_sorted(table):
    keys = [(r[0], r[1]) for r in table[1:]]
    assert keys == sorted(keys)


@pytest.mark.parametrize("column", HEADER[2:])
def test_column(table, column):
    i = HEADER.index(column)
    got = {(r[0], r[1]): r[i] for r in table[1:] if len(r) == len(HEADER)}
    wrong = [(k, got.get(k), r[i]) for r in EXPECTED for k in [(r[0], r[1])] if got.get(k) != r[i]]
    assert not wrong, f"{len(wrong)} wrong, e.g. {wrong[:3]}"


def test_exact(table):
    assert table[1:] == EXPECTED
