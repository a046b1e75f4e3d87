# Reference log-linear fits from R's glm (Poisson, log link) for the estimation tests: every
# hierarchical model with all main effects and a set of two-way interactions, fitted to the
# observed capture histories; exp(intercept) is the estimate of those no list documented.
#
#   Rscript tests/estimate/data/glm_reference.R   (from the repository root; R from Debian's
#   r-base-core, nothing else). Writes synthetic-5-lists.csv, synthetic-6-lists.csv and
#   glm-reference.csv beside this script.
#
# Tables: kosovo.csv (4 lists, all 64 models); two synthetic tables drawn here from two latent
# classes (5 lists: all 1,024 models; 6 lists: 100 models drawn at random of the 32,768).

here <- "tests/estimate/data"
control <- glm.control(epsilon = 1e-15, maxit = 200)

fit_models <- function(table_name, histories, models) {
  lists <- setdiff(names(histories), "count")
  rows <- list()
  for (m in models) {
    pairs <- if (length(m) == 0) character(0) else
      sapply(m, function(p) paste0(lists[p[1]], ":", lists[p[2]]))
    f <- as.formula(paste("count ~", paste(c(lists, pairs), collapse = " + ")))
    fit <- glm(f, family = poisson(), data = histories, control = control)
    spec <- if (length(m) == 0) "" else
      paste(sapply(m, function(p) paste0(p[1] - 1, "-", p[2] - 1)), collapse = " ")
    rows[[length(rows) + 1]] <- data.frame(
      table = table_name, interactions = spec, converged = fit$converged,
      unobserved = format(exp(coef(fit)[["(Intercept)"]]), digits = 17),
      deviance = format(deviance(fit), digits = 17),
      df = fit$df.residual, stringsAsFactors = FALSE)
  }
  do.call(rbind, rows)
}

all_pairs <- function(k) {
  p <- list()
  for (i in 1:(k - 1)) for (j in (i + 1):k) p[[length(p) + 1]] <- c(i, j)
  p
}
subset_of <- function(pairs, mask) pairs[bitwAnd(mask, 2^(seq_along(pairs) - 1)) > 0]

# Capture histories of a population in two classes (a visible and a shy one), all 2^k − 1
# observed cells, as a table with one 0/1 column per list and a count.
synthetic <- function(k, seed) {
  set.seed(seed)
  size <- c(3000, 5000)
  capture <- rbind(runif(k, 0.3, 0.6), runif(k, 0.05, 0.2))
  cells <- as.matrix(expand.grid(rep(list(0:1), k)))[-1, ]
  counts <- numeric(nrow(cells))
  for (class in 1:2) {
    p <- apply(cells, 1, function(x) prod(ifelse(x == 1, capture[class, ], 1 - capture[class, ])))
    counts <- counts + as.vector(rmultinom(1, size[class], c(1 - sum(p), p)))[-1]
  }
  table <- as.data.frame(cells)
  names(table) <- paste0("L", 1:k)
  table$count <- counts
  table
}

kosovo <- read.csv(file.path(here, "kosovo.csv"))
five <- synthetic(5, 2026)
six <- synthetic(6, 2027)
write.csv(five, file.path(here, "synthetic-5-lists.csv"), row.names = FALSE, quote = FALSE)
write.csv(six, file.path(here, "synthetic-6-lists.csv"), row.names = FALSE, quote = FALSE)

set.seed(6)
six_masks <- sample(0:(2^15 - 1), 100)
reference <- rbind(
  fit_models("kosovo.csv", kosovo, lapply(0:63, function(m) subset_of(all_pairs(4), m))),
  fit_models("synthetic-5-lists.csv", five, lapply(0:1023, function(m) subset_of(all_pairs(5), m))),
  fit_models("synthetic-6-lists.csv", six, lapply(six_masks, function(m) subset_of(all_pairs(6), m))))
writeLines(paste0("# R's glm, ", R.version.string, "; made by glm_reference.R"),
           file.path(here, "glm-reference.csv"))
suppressWarnings(write.table(reference, file.path(here, "glm-reference.csv"), sep = ",",
                             row.names = FALSE, quote = FALSE, append = TRUE))
