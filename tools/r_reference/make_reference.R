#!/usr/bin/env Rscript
# Reference values for toolkit.segregation from the R package `segregation` (Elbers).
#
#   Rscript tools/r_reference/make_reference.R            (from the repository root)
#
# Needs R with the vendored package (../shared/vendor/README.md: r-base-core, r-cran-data.table,
# r-cran-checkmate, r-cran-rcpp, r-cran-rcppprogress, then R CMD INSTALL of the tarball) and
# r-cran-jsonlite, r-cran-ggplot2, r-cran-patchwork (segcurve/segplot return ggplot objects; their
# $data holds the plotted values). Writes tests/data/r_segregation_reference.json and the two
# datasets of R's own examples (tests/data/r_schools00.csv.gz, r_schools05.csv.gz). CI reads the
# committed output and never needs R.
#
# Data columns are never called `group` or `unit` (the package's data.table code would read the
# column instead of the argument). IPF runs with precision = 1e-10, max_iterations = 1e5.
suppressPackageStartupMessages({
    library(segregation)
    library(data.table)
    library(jsonlite)
})

out_dir <- "tests/data"
stopifnot(dir.exists(out_dir))
set.seed(20261201)
PREC <- 1e-10
MAXIT <- 1e5

random_table <- function(n_units, n_groups, size_max) {
    rows <- list()
    for (i in seq_len(n_units)) {
        size <- sample(1:size_max, 1)
        p <- rgamma(n_groups, shape = 0.7)
        counts <- as.vector(rmultinom(1, size, p / sum(p)))
        rows[[i]] <- data.table(
            unt = sprintf("u%02d", i), grp = sprintf("g%d", seq_len(n_groups)),
            st = sprintf("s%d", (i - 1) %% 3 + 1), n = counts
        )
    }
    d <- rbindlist(rows)
    d <- d[n > 0]
    # every group and unit present; a table with one of either cannot be computed in R
    stopifnot(uniqueN(d$grp) == n_groups, uniqueN(d$unt) >= 3)
    d
}

perturb <- function(d, n_groups) {
    # a second table: new counts on the same units, one unit removed, one unit added
    units <- unique(d$unt)
    keep <- setdiff(units, sample(units, 1))
    d2 <- d[unt %in% keep]
    d2[, n := as.numeric(rpois(.N, n * runif(1, 0.5, 1.5)) + rbinom(.N, 3, 0.3))]
    new <- data.table(unt = "u99", grp = sprintf("g%d", seq_len(n_groups)), st = "s1",
                      n = as.numeric(rpois(n_groups, 8)))
    d2 <- rbindlist(list(d2, new))
    d2[n > 0]
}

long <- function(x) as.list(as.data.frame(x))

difference <- function(d1, d2, grp, unt, methods = c("shapley", "shapley_detailed", "km", "mrc")) {
    res <- list()
    for (method in methods) {
        r <- if (method == "mrc") {
            mutual_difference(d1, d2, grp, unt, weight = "n", method = method)
        } else {
            mutual_difference(d1, d2, grp, unt, weight = "n", method = method,
                              precision = PREC, max_iterations = MAXIT)
        }
        res[[method]] <- long(r)
    }
    res
}

plots <- function(d) {
    two <- d[grp %in% c("g1", "g2")]
    curve <- segcurve(two, "grp", "unt", weight = "n")$data
    orders <- list()
    for (o in c("segregation", "entropy", "majority", "majority_fixed")) {
        p <- segplot(d, "grp", "unt", weight = "n", order = o)
        pd <- as.data.table(p$data)[!is.na(unit), .(unit, group = as.character(group), xmin, xmax, ymin, ymax)]
        orders[[o]] <- long(pd)
    }
    list(segcurve = long(curve), segplot = orders)
}

compression <- function(d, grp, unt) {
    res <- list()
    for (nb in c("all", "local")) {
        cmp <- compress(d, grp, unt, weight = "n", neighbors = nb, n_neighbors = 3)
        n_units <- cmp$iterations$N_units[ceiling(nrow(cmp$iterations) / 2)]
        res[[nb]] <- list(
            iterations = long(cmp$iterations), initial_M = cmp$initial_M, n_units = n_units,
            crosswalk = long(get_crosswalk(cmp, n_units = n_units, parts = TRUE)),
            crosswalk_percent = long(get_crosswalk(cmp, percent = 0.8)),
            merged = long(merge_units(cmp, n_units = n_units))
        )
    }
    res
}

cases <- list()
shapes <- list(c(4, 2, 30), c(6, 3, 40), c(8, 2, 200), c(10, 4, 60), c(12, 3, 15), c(15, 5, 80),
               c(20, 2, 25), c(25, 4, 120), c(30, 6, 50), c(40, 3, 10), c(9, 5, 8), c(18, 2, 300))
for (k in seq_along(shapes)) {
    s <- shapes[[k]]
    d1 <- random_table(s[1], s[2], s[3])
    d2 <- perturb(d1, s[2])
    if (k %% 4 == 0) d2 <- d2[grp != "g1" | unt == "u99"]  # a group almost gone from data2
    case <- list(shape = s, data1 = long(d1), data2 = long(d2))
    case$mutual_total <- long(mutual_total(d1, "grp", "unt", weight = "n"))
    case$mutual_local <- long(mutual_local(d1, "grp", "unt", weight = "n"))
    case$mutual_local_swapped <- long(mutual_local(d1, "unt", "grp", weight = "n"))
    case$exposure <- long(exposure(d1, "grp", "unt", weight = "n"))
    case$isolation <- long(isolation(d1, "grp", "unt", weight = "n"))
    case$nested <- long(mutual_total_nested(d1, "grp", c("st", "unt"), weight = "n"))
    case$difference <- difference(d1, d2, "grp", "unt")
    case$difference_swapped <- difference(d1, d2, "unt", "grp")
    case$compress <- compression(d1, "grp", "unt")
    case$plots <- plots(d1)
    cases[[k]] <- case
    cat("case", k, "done\n", file = stderr())
}

# R's own examples: schools00 / schools05 (man/mutual_difference.Rd, mutual_total_nested.Rd,
# mutual_local.Rd), the examples run at precision 1e-10
s00 <- as.data.table(schools00)
s05 <- as.data.table(schools05)
fwrite(s00, file.path(out_dir, "r_schools00.csv.gz"))
fwrite(s05, file.path(out_dir, "r_schools05.csv.gz"))
schools <- list(
    mutual_total = long(mutual_total(s00, "race", "school", weight = "n")),
    nested = long(mutual_total_nested(s00, "race", c("state", "district", "school"), weight = "n")),
    exposure = long(exposure(s00, "race", "school", weight = "n")),
    isolation = long(isolation(s00, "race", "school", weight = "n")),
    difference_race_school = difference(s00, s05, "race", "school", c("shapley", "km", "mrc")),
    difference_school_race = difference(s00, s05, "school", "race", c("km", "mrc")),
    difference_km_reversed = long(mutual_difference(s05, s00, "school", "race", weight = "n",
                                                    method = "km", precision = PREC, max_iterations = MAXIT))
)
cat("schools done\n", file = stderr())
sub <- s00[1:50]
cmp <- compress(sub, "race", "school", weight = "n", neighbors = "all")
schools$compress_subset <- list(iterations = long(cmp$iterations), initial_M = cmp$initial_M)

# mutual_local_expected (Monte Carlo: compared with a tolerance), R's example table `small`
small <- data.frame(school = c(1:10, 1:10), race = c(rep("r1", 10), rep("r2", 10)),
                    n = c(rep(1, 10), rep(9, 10)))
expected <- list(
    small = long(mutual_local_expected(small, "race", "school", weight = "n", n_bootstrap = 4000)),
    small_x10 = long(mutual_local_expected(transform(small, n = n * 10), "race", "school",
                                           weight = "n", n_bootstrap = 4000))
)

# bootstrap standard errors of mutual_difference (Monte Carlo: compared as ratios)
se_case <- random_table(8, 3, 200)
se_case2 <- perturb(se_case, 3)
se_ref <- long(mutual_difference(se_case, se_case2, "grp", "unt", weight = "n", method = "shapley",
                                 se = TRUE, n_bootstrap = 400)[, .(stat, est, se)])

info <- list(
    r_version = R.version.string,
    package_version = as.character(packageVersion("segregation")),
    package_source = "r-segregation-510a369.tar.gz (../shared/vendor)",
    seed = 20261201, precision = PREC, max_iterations = MAXIT
)
ref <- list(info = info, cases = cases, schools = schools, local_expected = expected,
            difference_se = list(data1 = long(se_case), data2 = long(se_case2), result = se_ref,
                                 n_bootstrap = 400))
write_json(ref, file.path(out_dir, "r_segregation_reference.json"), digits = NA, auto_unbox = TRUE,
           pretty = FALSE)
cat("wrote", file.path(out_dir, "r_segregation_reference.json"), "\n", file = stderr())
