/* ce-lexicon-tables.c — built-in lexicons for the fact check: the E2E value
 * sets with the ways people realise them, and colours and materials in
 * English and Chinese. Each row is "key", "value", "surface"; a surface
 * listed for several values realises any of them (a synonym such as
 * "cheap" for priceRange "less than £20"). A NULL surface registers a value
 * of a closed key with no surface of its own. */
#include "ce-lexicon-private.h"

#include <stddef.h>

static const CeLexRow e2e_rows[] = {
  /* eatType */
  { "eatType", "pub", "pub" }, { "eatType", "pub", "tavern" },
  { "eatType", "coffee shop", "coffee shop" }, { "eatType", "coffee shop", "coffee house" },
  { "eatType", "coffee shop", "coffeehouse" }, { "eatType", "coffee shop", "coffee-shop" },
  { "eatType", "coffee shop", "cafe" }, { "eatType", "coffee shop", "caf\xC3\xA9" },
  /* no surface for "restaurant": people call any eatType a restaurant; the
   * row's own value still matches when the row is a restaurant */
  { "eatType", "restaurant", NULL },
  /* food */
  { "food", "English", "English" }, { "food", "English", "British" },
  { "food", "Japanese", "Japanese" }, { "food", "Japanese", "sushi" },
  { "food", "French", "French" }, { "food", "Fast food", "fast food" }, { "food", "Fast food", "fast-food" },
  { "food", "Fast food", "burgers" }, { "food", "Fast food", "fries" },
  { "food", "Italian", "Italian" }, { "food", "Italian", "pasta" }, { "food", "Italian", "pizza" },
  { "food", "Indian", "Indian" }, { "food", "Indian", "curry" }, { "food", "Indian", "curries" },
  { "food", "Chinese", "Chinese" }, { "food", "English", "breakfast" },
  /* priceRange: cheap ~ less than £20, moderate ~ £20-25, high ~ more than £30 */
#define CHEAP(s) { "priceRange", "cheap", s }, { "priceRange", "less than \xC2\xA3" "20", s }
#define MODERATE(s) { "priceRange", "moderate", s }, { "priceRange", "\xC2\xA3" "20-25", s }
#define HIGH_PRICE(s) { "priceRange", "high", s }, { "priceRange", "more than \xC2\xA3" "30", s }
  CHEAP ("cheap"), CHEAP ("inexpensive"), CHEAP ("low price"), CHEAP ("low priced"), CHEAP ("low cost"),
  CHEAP ("low-cost"), CHEAP ("affordable"), CHEAP ("budget"), CHEAP ("cheaply"), CHEAP ("cheaper"),
  CHEAP ("low price range"), CHEAP ("low-priced"), CHEAP ("less than \xC2\xA3" "20"),
  CHEAP ("under \xC2\xA3" "20"), CHEAP ("below \xC2\xA3" "20"), CHEAP ("less than 20 pounds"),
  CHEAP ("under 20 pounds"), CHEAP ("\xC2\xA3" "20 or less"), CHEAP ("lower than \xC2\xA3" "20"),
  CHEAP ("less than 20"), CHEAP ("under 20"), CHEAP ("price range is low"), CHEAP ("low prices"),
  CHEAP ("bargain"), CHEAP ("lower price range"), CHEAP ("low-price"),
  MODERATE ("moderate"), MODERATE ("moderately"), MODERATE ("moderately priced"), MODERATE ("moderate price"),
  MODERATE ("average price"), MODERATE ("average priced"), MODERATE ("average prices"), MODERATE ("mid price"),
  MODERATE ("mid priced"), MODERATE ("mid range"), MODERATE ("medium price"), MODERATE ("medium priced"),
  MODERATE ("reasonably priced"), MODERATE ("reasonable price"), MODERATE ("reasonable prices"),
  MODERATE ("fairly priced"), MODERATE ("fair price"), MODERATE ("mid cost"), MODERATE ("medium cost"),
  MODERATE ("moderate cost"), MODERATE ("average cost"), MODERATE ("mid-priced"), MODERATE ("medium-priced"),
  MODERATE ("averagely priced"), MODERATE ("middle price"), MODERATE ("middle priced"), MODERATE ("middle prices"),
  MODERATE ("affordable"), MODERATE ("average pricing"), MODERATE ("moderate pricing"),
  MODERATE ("\xC2\xA3" "20-25"), MODERATE ("\xC2\xA3" "20 - \xC2\xA3" "25"), MODERATE ("\xC2\xA3" "20-\xC2\xA3" "25"),
  MODERATE ("\xC2\xA3" "20 to \xC2\xA3" "25"), MODERATE ("20 to 25 pounds"), MODERATE ("20-25 pounds"),
  MODERATE ("between \xC2\xA3" "20 and \xC2\xA3" "25"), MODERATE ("between 20 and 25"), MODERATE ("20-25"),
  MODERATE ("\xC2\xA3" "20 and \xC2\xA3" "25"), MODERATE ("twenty to twenty-five"),
  HIGH_PRICE ("high price"), HIGH_PRICE ("high priced"), HIGH_PRICE ("high-priced"), HIGH_PRICE ("highly priced"),
  HIGH_PRICE ("high prices"), HIGH_PRICE ("expensive"), HIGH_PRICE ("pricey"), HIGH_PRICE ("pricy"),
  HIGH_PRICE ("high end"), HIGH_PRICE ("high cost"), HIGH_PRICE ("costly"), HIGH_PRICE ("high price range"),
  HIGH_PRICE ("price range is high"), HIGH_PRICE ("prices are high"), HIGH_PRICE ("more than \xC2\xA3" "30"),
  HIGH_PRICE ("over \xC2\xA3" "30"), HIGH_PRICE ("above \xC2\xA3" "30"), HIGH_PRICE ("\xC2\xA3" "30 or more"),
  HIGH_PRICE ("more than 30 pounds"), HIGH_PRICE ("over 30 pounds"), HIGH_PRICE ("\xC2\xA3" "30 and up"),
  HIGH_PRICE ("\xC2\xA3" "30 plus"), HIGH_PRICE ("more than 30"), HIGH_PRICE ("over 30"),
  HIGH_PRICE ("higher than \xC2\xA3" "30"), HIGH_PRICE ("greater than \xC2\xA3" "30"),
  HIGH_PRICE ("higher price range"), HIGH_PRICE ("higher priced"), HIGH_PRICE ("upscale"), HIGH_PRICE ("luxury"),
  HIGH_PRICE ("higher than average price"), HIGH_PRICE ("above average price"), HIGH_PRICE ("expensively"),
#undef CHEAP
#undef MODERATE
#undef HIGH_PRICE
  /* customer rating: low ~ 1 out of 5, average ~ 3 out of 5, high ~ 5 out of 5 */
#define LOW(s) { "customer rating", "low", s }, { "customer rating", "1 out of 5", s }
#define AVERAGE(s) { "customer rating", "average", s }, { "customer rating", "3 out of 5", s }
#define HIGH(s) { "customer rating", "high", s }, { "customer rating", "5 out of 5", s }
  LOW ("low rating"), LOW ("low ratings"), LOW ("low rated"), LOW ("low-rated"), LOW ("lowly rated"),
  LOW ("poorly rated"), LOW ("poor rating"), LOW ("low customer rating"), LOW ("rated low"), LOW ("rating is low"),
  LOW ("1 out of 5"), LOW ("one out of five"), LOW ("1 star"), LOW ("one star"), LOW ("one-star"), LOW ("rated 1"),
  LOW ("rating of 1"), LOW ("1 of 5"), LOW ("1/5"), LOW ("badly rated"), LOW ("bad rating"), LOW ("bad reviews"),
  LOW ("poor reviews"), LOW ("low reviews"), LOW ("rating of one"), LOW ("rated one"), LOW ("1 out 5"),
  LOW ("one out of 5"), LOW ("poorly reviewed"), LOW ("poor customer rating"), LOW ("low ranking"),
  LOW ("poor rated"), LOW ("poorly-rated"), LOW ("1 star rating"), LOW ("one star rating"),
  LOW ("lower customer rating"), LOW ("lowest customer rating"), LOW ("ratings are low"), LOW ("lower rating"),
  AVERAGE ("average rating"), AVERAGE ("average ratings"), AVERAGE ("average rated"), AVERAGE ("rated average"),
  AVERAGE ("average customer rating"), AVERAGE ("rating is average"), AVERAGE ("averagely rated"),
  AVERAGE ("3 out of 5"), AVERAGE ("three out of five"), AVERAGE ("3 star"), AVERAGE ("three star"),
  AVERAGE ("three-star"), AVERAGE ("rated 3"), AVERAGE ("rating of 3"), AVERAGE ("3 of 5"), AVERAGE ("3/5"),
  AVERAGE ("mediocre"), AVERAGE ("moderately rated"), AVERAGE ("moderate rating"), AVERAGE ("average reviews"),
  AVERAGE ("rating of three"), AVERAGE ("rated three"), AVERAGE ("decent rating"), AVERAGE ("ok rating"),
  AVERAGE ("three out of 5"), AVERAGE ("3 out 5"), AVERAGE ("three stars"), AVERAGE ("3 stars"),
  AVERAGE ("moderate customer rating"), AVERAGE ("average review"), AVERAGE ("middling"),
  AVERAGE ("ratings are average"), AVERAGE ("medium rating"), AVERAGE ("medium rated"), AVERAGE ("moderate reviews"),
  HIGH ("high rating"), HIGH ("high ratings"), HIGH ("highly rated"), HIGH ("high rated"), HIGH ("high-rated"),
  HIGH ("rated highly"), HIGH ("rated high"), HIGH ("high customer rating"), HIGH ("rating is high"),
  HIGH ("well rated"), HIGH ("excellent rating"), HIGH ("top rated"), HIGH ("5 out of 5"), HIGH ("five out of five"),
  HIGH ("5 star"), HIGH ("five star"), HIGH ("five-star"), HIGH ("rated 5"), HIGH ("rating of 5"), HIGH ("5 of 5"),
  HIGH ("5/5"), HIGH ("great reviews"), HIGH ("good reviews"), HIGH ("excellent reviews"), HIGH ("rating of five"),
  HIGH ("rated five"), HIGH ("great rating"), HIGH ("good rating"), HIGH ("excellent customer rating"),
  HIGH ("best rated"), HIGH ("highly-rated"), HIGH ("5 out 5"), HIGH ("five out of 5"), HIGH ("high ranking"),
  HIGH ("top customer rating"), HIGH ("top rating"), HIGH ("excellent ratings"),
  HIGH ("highest customer rating"), HIGH ("highest rating"), HIGH ("ratings are high"), HIGH ("perfect rating"),
  HIGH ("outstanding rating"), HIGH ("excellently rated"), HIGH ("perfectly rated"),
#undef LOW
#undef AVERAGE
#undef HIGH
  /* area */
  { "area", "riverside", "riverside" }, { "area", "riverside", "river side" }, { "area", "riverside", "river" },
  { "area", "riverside", "riverfront" }, { "area", "riverside", "waterfront" },
  { "area", "city centre", "city centre" }, { "area", "city centre", "city center" },
  { "area", "city centre", "centre of the city" }, { "area", "city centre", "center of the city" },
  { "area", "city centre", "centre of town" }, { "area", "city centre", "center of town" },
  { "area", "city centre", "town centre" }, { "area", "city centre", "town center" },
  { "area", "city centre", "downtown" }, { "area", "city centre", "centre" }, { "area", "city centre", "center" },
  { "area", "city centre", "city" },
  /* familyFriendly */
  { "familyFriendly", "yes", "family friendly" }, { "familyFriendly", "yes", "family-friendly" },
  { "familyFriendly", "yes", "kid friendly" }, { "familyFriendly", "yes", "kids friendly" },
  { "familyFriendly", "yes", "child friendly" }, { "familyFriendly", "yes", "children friendly" },
  { "familyFriendly", "yes", "family oriented" }, { "familyFriendly", "yes", "family orientated" },
  { "familyFriendly", "yes", "for families" }, { "familyFriendly", "yes", "for the whole family" },
  { "familyFriendly", "yes", "for all the family" }, { "familyFriendly", "yes", "welcomes children" },
  { "familyFriendly", "yes", "welcome children" }, { "familyFriendly", "yes", "children are welcome" },
  { "familyFriendly", "yes", "kids are welcome" }, { "familyFriendly", "yes", "families are welcome" },
  { "familyFriendly", "yes", "suitable for children" }, { "familyFriendly", "yes", "suitable for families" },
  { "familyFriendly", "yes", "allows children" }, { "familyFriendly", "yes", "child-friendly" },
  { "familyFriendly", "yes", "family restaurant" }, { "familyFriendly", "yes", "family place" },
  { "familyFriendly", "yes", "welcoming to families" }, { "familyFriendly", "yes", "good for families" },
  { "familyFriendly", "yes", "great for families" }, { "familyFriendly", "yes", "good for kids" },
  { "familyFriendly", "yes", "welcomes families" }, { "familyFriendly", "yes", "family atmosphere" },
  { "familyFriendly", "yes", "bring your kids" }, { "familyFriendly", "yes", "bring the kids" },
  { "familyFriendly", "yes", "bring your children" }, { "familyFriendly", "yes", "whole family" },
  { "familyFriendly", "yes", "friendly with kids" }, { "familyFriendly", "yes", "friendly with kid" },
  { "familyFriendly", "yes", "friendly to families" }, { "familyFriendly", "yes", "caters to families" },
  { "familyFriendly", "yes", "with the family" }, { "familyFriendly", "yes", "family-oriented" },
  { "familyFriendly", "no", "not family friendly" }, { "familyFriendly", "no", "not a family friendly" },
  { "familyFriendly", "no", "non family friendly" }, { "familyFriendly", "no", "non-family-friendly" },
  { "familyFriendly", "no", "isn't family friendly" },
  { "familyFriendly", "no", "not kid friendly" }, { "familyFriendly", "no", "not kids friendly" },
  { "familyFriendly", "no", "isn't kid friendly" }, { "familyFriendly", "no", "not child friendly" },
  { "familyFriendly", "no", "not children friendly" }, { "familyFriendly", "no", "isn't child friendly" },
  { "familyFriendly", "no", "not family oriented" }, { "familyFriendly", "no", "not for families" },
  { "familyFriendly", "no", "not for children" }, { "familyFriendly", "no", "not for kids" },
  { "familyFriendly", "no", "not suitable for children" }, { "familyFriendly", "no", "not suitable for families" },
  { "familyFriendly", "no", "no children" }, { "familyFriendly", "no", "no kids" },
  { "familyFriendly", "no", "adults only" }, { "familyFriendly", "no", "adult only" },
  { "familyFriendly", "no", "not family-friendly" }, { "familyFriendly", "no", "not a family-friendly" },
  { "familyFriendly", "no", "doesn't allow children" }, { "familyFriendly", "no", "does not allow children" },
  { "familyFriendly", "no", "not good for families" }, { "familyFriendly", "no", "not recommended for families" },
  { "familyFriendly", "no", "not a family restaurant" }, { "familyFriendly", "no", "not family oriented" },
  { "familyFriendly", "no", "not welcome children" }, { "familyFriendly", "no", "not welcoming to families" },
  { "familyFriendly", "no", "no families" }, { "familyFriendly", "no", "not kid-friendly" },
  { "familyFriendly", "no", "isn't family-friendly" }, { "familyFriendly", "no", "aren't family friendly" },
  { "familyFriendly", "no", "not family" }, { "familyFriendly", "no", "non child friendly" },
  { "familyFriendly", "no", "non kid friendly" }, { "familyFriendly", "no", "non children friendly" },
  { "familyFriendly", "no", "non kids friendly" }, { "familyFriendly", "no", "does not cater to children" },
  { "familyFriendly", "no", "doesn't cater to children" }, { "familyFriendly", "no", "does not allow families" },
  { "familyFriendly", "no", "not really family friendly" }, { "familyFriendly", "no", "not very family friendly" },
  { "familyFriendly", "no", "not a kid friendly" }, { "familyFriendly", "no", "not a child friendly" },
  { "familyFriendly", "no", "not kid" }, { "familyFriendly", "no", "not child" }, 
  { "familyFriendly", "no", "not children" },
  { "familyFriendly", "no", "not recommended for children" }, { "familyFriendly", "no", "not recommended for kids" },
  { "familyFriendly", "no", "not cater for children" }, { "familyFriendly", "no", "not cater to children" },
  { "familyFriendly", "no", "not cater for families" }, { "familyFriendly", "no", "not cater to families" },
  { "familyFriendly", "no", "children are not permitted" }, { "familyFriendly", "no", "children are not welcome" },
  { "familyFriendly", "no", "children are not allowed" }, { "familyFriendly", "no", "kids are not allowed" },
  { "familyFriendly", "no", "kids are not welcome" }, { "familyFriendly", "no", "kids not welcome" },
  { "familyFriendly", "no", "children not welcome" }, { "familyFriendly", "no", "not friendly to children" },
  { "familyFriendly", "no", "not friendly to kids" }, { "familyFriendly", "no", "not friendly to families" },
  { "familyFriendly", "no", "adult atmosphere" }, { "familyFriendly", "no", "adult oriented" },
  { "familyFriendly", "no", "adult environment" }, { "familyFriendly", "no", "kids at home" },
  { "familyFriendly", "no", "children at home" },
  { "familyFriendly", "yes", "children welcome" }, { "familyFriendly", "yes", "kids welcome" },
  { "familyFriendly", "yes", "families welcome" }, { "familyFriendly", "yes", "family style" },
};

static const char *const e2e_strict[] = { "food", "priceRange", "customer rating", "area", "familyFriendly" };
static const char *const e2e_locative[] = { "area" };

/* Colours: several names of one colour are rows of one value. */
static const CeLexRow color_rows[] = {
  { "color", "red", "red" }, { "color", "blue", "blue" }, { "color", "green", "green" },
  { "color", "yellow", "yellow" }, { "color", "black", "black" }, { "color", "white", "white" },
  { "color", "grey", "grey" }, { "color", "grey", "gray" }, { "color", "pink", "pink" },
  { "color", "purple", "purple" }, { "color", "orange", "orange" }, { "color", "brown", "brown" },
  { "color", "beige", "beige" }, { "color", "navy", "navy" }, { "color", "navy", "navy blue" },
  { "color", "khaki", "khaki" }, { "color", "burgundy", "burgundy" }, { "color", "maroon", "maroon" },
  { "color", "teal", "teal" }, { "color", "turquoise", "turquoise" }, { "color", "ivory", "ivory" },
  { "color", "charcoal", "charcoal" }, { "color", "lavender", "lavender" }, { "color", "coral", "coral" },
  { "color", "light blue", "light blue" }, { "color", "dark blue", "dark blue" }, { "color", "sky blue", "sky blue" },
  { "color", "dark green", "dark green" }, { "color", "olive green", "olive green" }, { "color", "violet", "violet" },
  { "color", "magenta", "magenta" }, { "color", "cyan", "cyan" }, { "color", "off-white", "off-white" },
  { "color", "multicolor", "multicolor" }, { "color", "multicolor", "multicolour" },
  /* The Chinese names of these colours are surfaces of the English values
   * too, so a row in one language and a text in the other agree (a row
   * saying "grey" and a text saying 灰色). Added before the Chinese rows:
   * a Chinese text's span still reports its Chinese value first. */
  { "color", "red", "红色" }, { "color", "blue", "蓝色" }, { "color", "green", "绿色" },
  { "color", "yellow", "黄色" }, { "color", "black", "黑色" }, { "color", "white", "白色" },
  { "color", "grey", "灰色" }, { "color", "pink", "粉色" }, { "color", "purple", "紫色" },
  { "color", "orange", "橙色" }, { "color", "brown", "棕色" }, { "color", "beige", "米色" },
  { "color", "navy", "藏青色" }, { "color", "khaki", "卡其色" }, { "color", "burgundy", "酒红色" },
  { "color", "dark blue", "深蓝色" }, { "color", "light blue", "浅蓝色" }, { "color", "sky blue", "天蓝色" },
  { "color", "dark green", "墨绿色" },
  /* Chinese */
  { "color", "\xE7\xBA\xA2\xE8\x89\xB2", "\xE7\xBA\xA2\xE8\x89\xB2" },                 /* 红色 */
  { "color", "\xE8\x93\x9D\xE8\x89\xB2", "\xE8\x93\x9D\xE8\x89\xB2" },                 /* 蓝色 */
  { "color", "\xE7\xBB\xBF\xE8\x89\xB2", "\xE7\xBB\xBF\xE8\x89\xB2" },                 /* 绿色 */
  { "color", "\xE9\xBB\x84\xE8\x89\xB2", "\xE9\xBB\x84\xE8\x89\xB2" },                 /* 黄色 */
  { "color", "\xE9\xBB\x91\xE8\x89\xB2", "\xE9\xBB\x91\xE8\x89\xB2" },                 /* 黑色 */
  { "color", "\xE7\x99\xBD\xE8\x89\xB2", "\xE7\x99\xBD\xE8\x89\xB2" },                 /* 白色 */
  { "color", "\xE7\x81\xB0\xE8\x89\xB2", "\xE7\x81\xB0\xE8\x89\xB2" },                 /* 灰色 */
  { "color", "\xE7\xB2\x89\xE8\x89\xB2", "\xE7\xB2\x89\xE8\x89\xB2" },                 /* 粉色 */
  { "color", "\xE7\xB2\x89\xE8\x89\xB2", "\xE7\xB2\x89\xE7\xBA\xA2\xE8\x89\xB2" },     /* 粉红色 */
  { "color", "\xE7\xB2\x89\xE7\xBA\xA2\xE8\x89\xB2", "\xE7\xB2\x89\xE7\xBA\xA2\xE8\x89\xB2" },
  { "color", "\xE7\xB4\xAB\xE8\x89\xB2", "\xE7\xB4\xAB\xE8\x89\xB2" },                 /* 紫色 */
  { "color", "\xE6\xA9\x99\xE8\x89\xB2", "\xE6\xA9\x99\xE8\x89\xB2" },                 /* 橙色 */
  { "color", "\xE6\xA3\x95\xE8\x89\xB2", "\xE6\xA3\x95\xE8\x89\xB2" },                 /* 棕色 */
  { "color", "\xE5\x92\x96\xE5\x95\xA1\xE8\x89\xB2", "\xE5\x92\x96\xE5\x95\xA1\xE8\x89\xB2" }, /* 咖啡色 */
  { "color", "\xE7\xB1\xB3\xE8\x89\xB2", "\xE7\xB1\xB3\xE8\x89\xB2" },                 /* 米色 */
  { "color", "\xE7\xB1\xB3\xE7\x99\xBD\xE8\x89\xB2", "\xE7\xB1\xB3\xE7\x99\xBD\xE8\x89\xB2" }, /* 米白色 */
  { "color", "\xE8\x97\x8F\xE9\x9D\x92\xE8\x89\xB2", "\xE8\x97\x8F\xE9\x9D\x92\xE8\x89\xB2" }, /* 藏青色 */
  { "color", "\xE8\x97\x8F\xE8\x93\x9D\xE8\x89\xB2", "\xE8\x97\x8F\xE8\x93\x9D\xE8\x89\xB2" }, /* 藏蓝色 */
  { "color", "\xE5\x8D\xA1\xE5\x85\xB6\xE8\x89\xB2", "\xE5\x8D\xA1\xE5\x85\xB6\xE8\x89\xB2" }, /* 卡其色 */
  { "color", "\xE9\x85\x92\xE7\xBA\xA2\xE8\x89\xB2", "\xE9\x85\x92\xE7\xBA\xA2\xE8\x89\xB2" }, /* 酒红色 */
  { "color", "\xE6\xB7\xB1\xE8\x93\x9D\xE8\x89\xB2", "\xE6\xB7\xB1\xE8\x93\x9D\xE8\x89\xB2" }, /* 深蓝色 */
  { "color", "\xE6\xB5\x85\xE8\x93\x9D\xE8\x89\xB2", "\xE6\xB5\x85\xE8\x93\x9D\xE8\x89\xB2" }, /* 浅蓝色 */
  { "color", "\xE6\xB7\xA1\xE8\x93\x9D\xE8\x89\xB2", "\xE6\xB7\xA1\xE8\x93\x9D\xE8\x89\xB2" }, /* 淡蓝色 */
  { "color", "\xE5\xA4\xA9\xE8\x93\x9D\xE8\x89\xB2", "\xE5\xA4\xA9\xE8\x93\x9D\xE8\x89\xB2" }, /* 天蓝色 */
  { "color", "\xE5\xAE\x9D\xE8\x93\x9D\xE8\x89\xB2", "\xE5\xAE\x9D\xE8\x93\x9D\xE8\x89\xB2" }, /* 宝蓝色 */
  { "color", "\xE5\xA2\xA8\xE7\xBB\xBF\xE8\x89\xB2", "\xE5\xA2\xA8\xE7\xBB\xBF\xE8\x89\xB2" }, /* 墨绿色 */
  { "color", "\xE5\x86\x9B\xE7\xBB\xBF\xE8\x89\xB2", "\xE5\x86\x9B\xE7\xBB\xBF\xE8\x89\xB2" }, /* 军绿色 */
  { "color", "\xE5\xA7\x9C\xE9\xBB\x84\xE8\x89\xB2", "\xE5\xA7\x9C\xE9\xBB\x84\xE8\x89\xB2" }, /* 姜黄色 */
  { "color", "\xE6\x9D\x8F\xE8\x89\xB2", "\xE6\x9D\x8F\xE8\x89\xB2" },                 /* 杏色 */
  { "color", "\xE9\xA9\xBC\xE8\x89\xB2", "\xE9\xA9\xBC\xE8\x89\xB2" },                 /* 驼色 */
  { "color", "\xE9\x87\x91\xE8\x89\xB2", "\xE9\x87\x91\xE8\x89\xB2" },                 /* 金色 */
  { "color", "\xE9\x93\xB6\xE8\x89\xB2", "\xE9\x93\xB6\xE8\x89\xB2" },                 /* 银色 */
  { "color", "\xE8\xA3\xB8\xE8\x89\xB2", "\xE8\xA3\xB8\xE8\x89\xB2" },                 /* 裸色 */
};

static const char *const color_aliases[] = {
  "colour", "colors", "colours", "\xE9\xA2\x9C\xE8\x89\xB2" /* 颜色 */, "\xE8\x89\xB2\xE5\xBD\xA9" /* 色彩 */,
};

static const CeLexRow material_rows[] = {
  { "material", "cotton", "cotton" }, { "material", "linen", "linen" }, { "material", "silk", "silk" },
  { "material", "wool", "wool" }, { "material", "wool", "woollen" }, { "material", "wool", "woolen" },
  { "material", "cashmere", "cashmere" }, { "material", "polyester", "polyester" }, { "material", "nylon", "nylon" },
  { "material", "spandex", "spandex" }, { "material", "elastane", "elastane" }, { "material", "denim", "denim" },
  { "material", "leather", "leather" }, { "material", "suede", "suede" }, { "material", "velvet", "velvet" },
  { "material", "chiffon", "chiffon" }, { "material", "lace", "lace" }, { "material", "satin", "satin" },
  { "material", "rayon", "rayon" }, { "material", "viscose", "viscose" }, { "material", "fleece", "fleece" },
  { "material", "acrylic", "acrylic" }, { "material", "corduroy", "corduroy" }, { "material", "tweed", "tweed" },
  { "material", "canvas", "canvas" }, { "material", "modal", "modal" }, { "material", "bamboo", "bamboo fabric" },
  /* Chinese names of these materials, as for the colours */
  { "material", "cotton", "棉" }, { "material", "cotton", "纯棉" }, { "material", "cotton", "全棉" },
  { "material", "linen", "亚麻" }, { "material", "silk", "真丝" }, { "material", "silk", "蚕丝" },
  { "material", "silk", "桑蚕丝" }, { "material", "silk", "丝绸" }, { "material", "wool", "羊毛" },
  { "material", "cashmere", "羊绒" }, { "material", "polyester", "涤纶" }, { "material", "nylon", "尼龙" },
  { "material", "nylon", "锦纶" }, { "material", "spandex", "氨纶" }, { "material", "denim", "牛仔布" },
  { "material", "denim", "牛仔" }, { "material", "leather", "皮革" }, { "material", "leather", "真皮" },
  { "material", "chiffon", "雪纺" }, { "material", "lace", "蕾丝" }, { "material", "velvet", "丝绒" },
  { "material", "corduroy", "灯芯绒" },
  /* Chinese */
  { "material", "\xE6\xA3\x89", "\xE6\xA3\x89" },                                     /* 棉 */
  { "material", "\xE6\xA3\x89", "\xE7\xBA\xAF\xE6\xA3\x89" },                         /* 纯棉 */
  { "material", "\xE6\xA3\x89", "\xE5\x85\xA8\xE6\xA3\x89" },                         /* 全棉 */
  { "material", "\xE6\xA3\x89", "\xE6\xA3\x89\xE8\xB4\xA8" },                         /* 棉质 */
  { "material", "\xE4\xBA\x9A\xE9\xBA\xBB", "\xE4\xBA\x9A\xE9\xBA\xBB" },             /* 亚麻 */
  { "material", "\xE6\xA3\x89\xE9\xBA\xBB", "\xE6\xA3\x89\xE9\xBA\xBB" },             /* 棉麻 */
  /* silk: 真丝, 蚕丝, 桑蚕丝 and 丝绸 name the same fibre */
#define SILK(s) { "material", "真丝", s }, { "material", "蚕丝", s }, { "material", "丝绸", s }
  SILK ("真丝"), SILK ("蚕丝"), SILK ("桑蚕丝"), SILK ("丝绸"),
#undef SILK
  { "material", "\xE7\xBE\x8A\xE6\xAF\x9B", "\xE7\xBE\x8A\xE6\xAF\x9B" },             /* 羊毛 */
  { "material", "\xE7\xBE\x8A\xE7\xBB\x92", "\xE7\xBE\x8A\xE7\xBB\x92" },             /* 羊绒 */
  { "material", "\xE6\xB6\xA4\xE7\xBA\xB6", "\xE6\xB6\xA4\xE7\xBA\xB6" },             /* 涤纶 */
  { "material", "\xE9\x94\xA6\xE7\xBA\xB6", "\xE9\x94\xA6\xE7\xBA\xB6" },             /* 锦纶 */
  { "material", "\xE5\xB0\xBC\xE9\xBE\x99", "\xE5\xB0\xBC\xE9\xBE\x99" },             /* 尼龙 */
  { "material", "\xE6\xB0\xA8\xE7\xBA\xB6", "\xE6\xB0\xA8\xE7\xBA\xB6" },             /* 氨纶 */
  { "material", "\xE7\x89\x9B\xE4\xBB\x94\xE5\xB8\x83", "\xE7\x89\x9B\xE4\xBB\x94\xE5\xB8\x83" }, /* 牛仔布 */
  { "material", "\xE7\x89\x9B\xE4\xBB\x94\xE5\xB8\x83", "\xE7\x89\x9B\xE4\xBB\x94" }, /* 牛仔 */
  { "material", "\xE7\x9A\xAE\xE9\x9D\xA9", "\xE7\x9A\xAE\xE9\x9D\xA9" },             /* 皮革 */
  { "material", "\xE7\x9C\x9F\xE7\x9A\xAE", "\xE7\x9C\x9F\xE7\x9A\xAE" },             /* 真皮 */
  { "material", "\xE9\x9B\xAA\xE7\xBA\xBA", "\xE9\x9B\xAA\xE7\xBA\xBA" },             /* 雪纺 */
  { "material", "\xE8\x95\xBE\xE4\xB8\x9D", "\xE8\x95\xBE\xE4\xB8\x9D" },             /* 蕾丝 */
  { "material", "\xE4\xB8\x9D\xE7\xBB\x92", "\xE4\xB8\x9D\xE7\xBB\x92" },             /* 丝绒 */
  { "material", "\xE7\xBD\x91\xE7\xBA\xB1", "\xE7\xBD\x91\xE7\xBA\xB1" },             /* 网纱 */
  { "material", "\xE9\x92\x88\xE7\xBB\x87", "\xE9\x92\x88\xE7\xBB\x87" },             /* 针织 */
  { "material", "\xE5\xA4\xA9\xE4\xB8\x9D", "\xE5\xA4\xA9\xE4\xB8\x9D" },             /* 天丝 */
  { "material", "\xE7\x81\xAF\xE8\x8A\xAF\xE7\xBB\x92", "\xE7\x81\xAF\xE8\x8A\xAF\xE7\xBB\x92" }, /* 灯芯绒 */
};

static const char *const material_aliases[] = {
  "materials", "fabric", "\xE6\x9D\x90\xE8\xB4\xA8" /* 材质 */, "\xE9\x9D\xA2\xE6\x96\x99" /* 面料 */,
  "\xE6\x9D\x90\xE6\x96\x99" /* 材料 */,
};

/* AdvertiseGen's 类型 is a category the copy rarely names: it names the
 * garment instead (a 上衣 is a 外套, a T恤 …). */
#define TOP(s) { "类型", "上衣", s }
#define SKIRT(s) { "类型", "裙", s }
#define PANTS(s) { "类型", "裤", s }
static const CeLexRow advertisegen_rows[] = {
  TOP ("上衣"), TOP ("衬衫"), TOP ("衬衣"), TOP ("T恤"), TOP ("外套"), TOP ("卫衣"), TOP ("毛衣"), TOP ("针织衫"),
  TOP ("夹克"), TOP ("风衣"), TOP ("大衣"), TOP ("背心"), TOP ("马甲"), TOP ("雪纺衫"), TOP ("打底衫"), TOP ("西装"),
  TOP ("棉服"), TOP ("羽绒服"), TOP ("开衫"), TOP ("吊带衫"), TOP ("短袖"), TOP ("长袖"),
  SKIRT ("裙"), SKIRT ("裙子"), SKIRT ("连衣裙"), SKIRT ("半身裙"),
  PANTS ("裤"), PANTS ("裤子"), PANTS ("牛仔裤"), PANTS ("阔腿裤"), PANTS ("打底裤"), PANTS ("短裤"), PANTS ("长裤"),
  PANTS ("休闲裤"), PANTS ("西裤"), PANTS ("九分裤"), PANTS ("哈伦裤"), PANTS ("运动裤"), PANTS ("喇叭裤"),
};
#undef TOP
#undef SKIRT
#undef PANTS

/* Style words are used loosely in the copy ("青春活力", "很潮"): counted
 * when they are the row's, never invented. */
static const char *const advertisegen_soft[] = { "风格" };

static const char *const strict_color[] = { "color" };
static const char *const strict_material[] = { "material" };

#define N(a) (int) (sizeof (a) / sizeof *(a))

const CeLexTable ce__lex_tables[CE_LEX_N_TABLES] = {
  [CE_LEXICON_E2E] = { e2e_rows, N (e2e_rows), NULL, 0, NULL, e2e_strict, N (e2e_strict), 1,
                       "familyFriendly", "yes", "no", e2e_locative, N (e2e_locative), NULL, 0 },
  [CE_LEXICON_COLORS] = { color_rows, N (color_rows), color_aliases, N (color_aliases), "color",
                          strict_color, N (strict_color), 0, NULL, NULL, NULL, NULL, 0, NULL, 0 },
  [CE_LEXICON_MATERIALS] = { material_rows, N (material_rows), material_aliases, N (material_aliases), "material",
                             strict_material, N (strict_material), 0, NULL, NULL, NULL, NULL, 0, NULL, 0 },
  [CE_LEXICON_ADVERTISEGEN] = { advertisegen_rows, N (advertisegen_rows), NULL, 0, NULL, NULL, 0, 1,
                                NULL, NULL, NULL, NULL, 0, advertisegen_soft, N (advertisegen_soft) },
};
