/*
 * The names of the functions Argo CD's ApplicationSet controller gives Go templates, besides
 * Go's builtins: Sprig v3's GenericFuncMap without env, expandenv and getHostByName (which
 * Argo CD deletes), and Argo CD's normalize, slugify, toYaml, fromYaml and fromYamlArray
 * (applicationset/utils/utils.go). Go looks these up before its builtins, so Sprig's `slice`
 * is the one an ApplicationSet calls. A name in neither this list nor Go's builtins is a parse
 * error in Argo CD: `function "x" not defined`.
 */

const SPRIG = `
hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate
htmlDateInZone must_date_modify mustDateModify mustToDate now toDate unixEpoch
abbrev abbrevboth trunc trim upper lower title untitle substr repeat trimall trimAll trimSuffix
trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric randSeededNumeric
swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote
squote cat indent nindent replace plural sha1sum sha256sum adler32sum toString
atoi int64 int float64 seq toDecimal split splitList splitn toStrings until untilStep
add1 add sub div mod mul randInt add1f addf subf divf mulf biggest max min maxf minf ceil floor
round join sortAlpha
default empty coalesce all any compact mustCompact fromJson toJson toPrettyJson toRawJson
mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy
typeOf typeIs typeIsLike kindOf kindIs deepEqual
base dir clean ext isAbs osBase osClean osDir osExt osIsAbs b64enc b64dec b32enc b32dec
tuple list dict get set unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge
mustMergeOverwrite values append push mustAppend mustPush prepend mustPrepend first mustFirst
rest mustRest last mustLast initial mustInitial reverse mustReverse uniq mustUniq without
mustWithout has mustHas slice mustSlice concat dig chunk mustChunk
bcrypt htpasswd genPrivateKey derivePassword buildCustomCert genCA genCAWithKey
genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey encryptAES
decryptAES randBytes uuidv4 semver semverCompare fail
regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind regexReplaceAll
mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral regexSplit mustRegexSplit
regexQuoteMeta urlParse urlJoin
`;

const ARGO_CD = 'normalize slugify toYaml fromYaml fromYamlArray';

/** The function names Argo CD's template function map holds (Go's builtins aside). */
export const ARGO_CD_FUNCTION_NAMES: ReadonlySet<string> = new Set(`${SPRIG} ${ARGO_CD}`.split(/\s+/).filter((name) => name !== ''));
