import { SPRIG_FUNCTIONS } from '../../src/preview/sprig';
import { TEMPLATE_FUNCTIONS } from '../../src/preview/template-functions';

// Sprig v3.3.0's GenericFuncMap (functions.go), as Argo CD v3.5 takes it.
const SPRIG_3_3 = `hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate
htmlDateInZone must_date_modify mustDateModify mustToDate now toDate unixEpoch abbrev abbrevboth trunc trim upper lower
title untitle substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii
randNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote squote cat
indent nindent replace plural sha1sum sha256sum sha512sum adler32sum toString atoi int64 int float64 seq toDecimal split
splitList splitn toStrings until untilStep add1 add sub div mod mul randInt add1f addf subf divf mulf biggest max min
maxf minf ceil floor round join sortAlpha default empty coalesce all any compact mustCompact fromJson toJson
toPrettyJson toRawJson mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy typeOf
typeIs typeIsLike kindOf kindIs deepEqual env expandenv getHostByName base dir clean ext isAbs osBase osClean osDir
osExt osIsAbs b64enc b64dec b32enc b32dec tuple list dict get set unset hasKey pluck keys pick omit merge
mergeOverwrite mustMerge mustMergeOverwrite values append push mustAppend mustPush prepend mustPrepend first mustFirst
rest mustRest last mustLast initial mustInitial reverse mustReverse uniq mustUniq without mustWithout has mustHas slice
mustSlice concat dig chunk mustChunk bcrypt htpasswd genPrivateKey derivePassword buildCustomCert genCA genCAWithKey
genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey encryptAES decryptAES randBytes uuidv4
semver semverCompare fail regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind
regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral regexSplit mustRegexSplit
regexQuoteMeta urlParse urlJoin`.split(/\s+/);

/** What Argo CD's applicationset/utils deletes from Sprig's map, and what it adds. */
const DELETED = ['env', 'expandenv', 'getHostByName'];
const ARGO_CD = ['normalize', 'slugify', 'toYaml', 'fromYaml', 'fromYamlArray'];

describe('the functions of ApplicationSet Go templates', () => {
  test("are Sprig v3.3's without env, expandenv and getHostByName, plus Argo CD's", () => {
    // GIVEN Sprig's function map and Argo CD's changes to it
    const expected = [...SPRIG_3_3.filter((n) => !DELETED.includes(n)), ...ARGO_CD, 'tpl'].sort();
    // WHEN the preview's functions are listed
    const names = SPRIG_FUNCTIONS.map(([name]) => name);
    // THEN each is there once, and nothing else (tpl is Argo CD's newest and is refused)
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(expected);
    // AND the template looks them up before Go's builtins (go-builtins.ts)
    expect([...TEMPLATE_FUNCTIONS.keys()].sort()).toEqual(expected);
  });
});
